using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Sgraf.Api.Tests.Service;
using Sgraf.TestSupport;

namespace Sgraf.Api.Tests.RealProcess;

/// <summary>Kestrel's body limits as POST /images/import meets them: its own, larger one, enforced while the body streams.</summary>
public sealed class ImageImportLimitTests
{
    [Fact]
    public async Task An_import_may_exceed_the_request_limit_but_not_MaxImportBytes_and_keeps_the_batches_before()
    {
        var frames = Enumerable.Range(0, 140).Select(i => ImageImportTests.Frame($"f{i:000}", i)).ToArray();
        long limit = frames.Take(70).Sum(f => (long)f.Length);
        using var data = new TempDirectory();
        // One frame (295 KB) is over the limit of other requests; 70 frames are within the import's.
        using var service = ServiceProcess.Start(data.Path, new Dictionary<string, string>
        {
            ["Sgraf__Limits__MaxRequestBodyBytes"] = "200000",
            ["Sgraf__Limits__MaxImportBytes"] = limit.ToString(),
        });
        await service.WaitReadyAsync(TimeSpan.FromSeconds(60));
        using var client = service.Client();

        var within = await Post(client, frames[..66]);
        Assert.True(within.Status == HttpStatusCode.OK, within.Body.ToJsonString());
        Assert.Equal(66, within.Body["added"]!.GetValue<int>());

        // Chunked, so the limit is met while reading. Kestrel counts what it has parsed ahead of the reader (its request
        // buffer, 1 MB), so the 413 comes within a few frames of the 70th: after the first batch of 64, before the second.
        var over = await Post(client, frames[66..]);
        Assert.True(over.Status == HttpStatusCode.RequestEntityTooLarge, over.Body.ToJsonString());
        Assert.Equal(64, over.Body["imported"]!.GetValue<int>());
        Assert.Contains("Sgraf:Limits:MaxImportBytes", over.Body["detail"]!.GetValue<string>());
        var page = JsonNode.Parse(await client.GetStringAsync("/images?limit=1000"))!;
        Assert.Equal(66 + 64, page["total"]!.GetValue<int>());
    }

    static async Task<(HttpStatusCode Status, JsonNode Body)> Post(HttpClient client, IEnumerable<byte[]> frames)
    {
        var content = new StreamContent(new MemoryStream([.. frames.SelectMany(f => f)]));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/images/import") { Content = content };
        request.Headers.TransferEncodingChunked = true;
        using var response = await client.SendAsync(request);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
    }
}
