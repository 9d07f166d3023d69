using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Sgraf.Api.Gallery;
using Sgraf.Api.Gallery.Local;
using Sgraf.Api.Tests.Service;
using Sgraf.TestSupport;

namespace Sgraf.Api.Tests.RealProcess;

public sealed class ServiceCrashTests
{
    // Default settings (the log alone at this size), and a checkpoint every 64 KiB of log (about one image), so that the
    // kill lands while segments are being sealed and small ones merged (compaction) as well as during appends.
    [Theory]
    [InlineData(null)]
    [InlineData(65536)]
    public async Task Every_acknowledged_add_survives_kill_9_during_concurrent_adds_and_the_restarted_service_is_ready(int? checkpointBytes)
    {
        using var data = new TempDirectory();
        var settings = checkpointBytes is { } bytes ? new Dictionary<string, string> { ["Sgraf__Storage__CheckpointBytes"] = $"{bytes}" } : null;
        var acknowledged = new ConcurrentBag<string>();
        using (var service = ServiceProcess.Start(data.Path, settings))
        {
            await service.WaitReadyAsync(TimeSpan.FromSeconds(60));
            using var client = service.Client();
            using var stop = new CancellationTokenSource();
            var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
            {
                for (int n = 0; !stop.IsCancellationRequested && n < 10_000; n++)
                {
                    string id = $"w{w}-{n:D5}";
                    try
                    {
                        using var response = await client.PostAsJsonAsync(n % 2 == 0 ? "/images" : "/captions",
                            n % 2 == 0 ? TestGallery.ImageBody((id, n)) : TestGallery.CaptionBody((id, $"a red circle number {n}")));
                        if (response.StatusCode == HttpStatusCode.OK) acknowledged.Add(id);
                    }
                    catch (HttpRequestException)
                    {
                        return; // the service is gone: this add was not acknowledged
                    }
                    catch (TaskCanceledException)
                    {
                        return;
                    }
                }
            })).ToArray();
            // Kill while adds are in flight, once enough were acknowledged to make the check meaningful.
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (acknowledged.Count < 60 && DateTime.UtcNow < deadline) await Task.Delay(20);
            service.KillHard();
            stop.Cancel();
            await Task.WhenAll(writers);
        }
        Assert.True(acknowledged.Count >= 60, $"only {acknowledged.Count} adds were acknowledged before the kill");
        if (checkpointBytes is not null)
            Assert.True(File.Exists(Path.Combine(data.Path, "checkpoint.json")), "no checkpoint was written before the kill");

        using var restarted = ServiceProcess.Start(data.Path, settings);
        await restarted.WaitReadyAsync(TimeSpan.FromSeconds(60));
        using var again = restarted.Client();
        var images = await Ids(again, "/images");
        var captions = await Ids(again, "/captions");
        foreach (var id in acknowledged)
        {
            int n = int.Parse(id[(id.IndexOf('-') + 1)..]);
            Assert.True((n % 2 == 0 ? images : captions).Contains(id), $"acknowledged {id} was lost");
        }
        using var search = await again.PostAsJsonAsync("/search/text-to-image", new { queries = new[] { "a red circle" }, k = 3 });
        Assert.Equal(HttpStatusCode.OK, search.StatusCode);
    }

    [Fact]
    public async Task A_body_over_the_limit_gets_413_problem_json_and_changes_nothing()
    {
        using var data = new TempDirectory();
        using var service = ServiceProcess.Start(data.Path, new Dictionary<string, string> { ["Sgraf__Limits__MaxRequestBodyBytes"] = "200000" });
        await service.WaitReadyAsync(TimeSpan.FromSeconds(60));
        using var client = service.Client();
        // A chunked body (no Content-Length), so the limit is met while reading, not announced up front.
        var body = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(System.Text.Json.JsonSerializer.Serialize(TestGallery.ImageBody(("big", 1))))));
        body.Headers.ContentType = new("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/images") { Content = body };
        request.Headers.TransferEncodingChunked = true;
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.RequestEntityTooLarge, $"{response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("200000", text);
        Assert.Empty(await Ids(client, "/images"));
    }

    [Fact]
    public async Task A_gallery_of_another_bundle_is_refused_with_a_clear_message_and_exit_code_1()
    {
        using var data = new TempDirectory();
        await using (var foreign = LocalGalleryStore.Open(data.Path, "0123456789abcdef-another-bundle"))
        {
            await foreign.StartAsync(_ => { }, CancellationToken.None);
            await foreign.AppendAsync([GalleryRecord.DeleteImage("x")], CancellationToken.None);
        }
        var before = File.ReadAllBytes(Path.Combine(data.Path, LocalGalleryStore.LogFileName));
        using var service = ServiceProcess.Start(data.Path);
        Assert.True(service.WaitForExit(TimeSpan.FromSeconds(60)), "the service kept running on another bundle's gallery");
        Assert.True(service.ExitCode == 1, $"exit code {service.ExitCode}:\n{service.Output}");
        Assert.Contains("0123456789abcdef-another-bundle", service.Output);
        Assert.Equal(before, File.ReadAllBytes(Path.Combine(data.Path, LocalGalleryStore.LogFileName)));
    }

    static async Task<HashSet<string>> Ids(HttpClient client, string path)
    {
        var ids = new HashSet<string>();
        for (int offset = 0; ; offset += 1000)
        {
            var page = JsonNode.Parse(await client.GetStringAsync($"{path}?offset={offset}&limit=1000"))!;
            foreach (var item in page["items"]!.AsArray()) ids.Add(item!["id"]!.GetValue<string>());
            if (offset + 1000 >= page["total"]!.GetValue<int>()) return ids;
        }
    }
}
