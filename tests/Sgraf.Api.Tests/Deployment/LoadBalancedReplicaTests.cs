using System.Net;
using System.Net.Http.Json;
using Sgraf.Api.Tests.Service;

namespace Sgraf.Api.Tests.Deployment;

/// <summary>
/// The deployment as users run it, as processes (scripts/run-topology.sh): two replicas sharing a Redis gallery
/// behind nginx, which serves HTTPS. What the load balancer's clients must see: the same answers whichever replica serves them, nothing
/// lost or failing when a replica is killed, and the restarted replica caught up.
/// </summary>
public sealed class LoadBalancedReplicaTests
{
    private sealed record Search(string Path, object Body);

    private static readonly Search TextSearch = new("/search/text-to-image",
        new { queries = TestGallery.Captions[..3], k = 50, model = "sgraf" });

    private static readonly Search ImageSearch = new("/search/image-to-text",
        new { queries = new[] { new { id = "image-0" }, new { id = "image-1" } }, k = 50, model = "sgraf" });

    [Fact]
    public async Task Replicas_answer_alike_survive_kill_9_of_one_and_the_restarted_one_catches_up()
    {
        await using var topology = await ProcessTopology.StartAsync();
        using var balancer = topology.Balancer();
        await AssertTheEdgeAsync(topology, balancer);

        // Six images, 2.4 MB: over the limit of searches at nginx (2 MB), within that of adds.
        await AddImagesAsync(balancer, [.. Enumerable.Range(0, 6).Select(i => $"image-{i}")]);
        await AddCaptionsAsync(balancer, TestGallery.Captions.Select((text, i) => ($"caption-{i}", text)).ToArray());

        // Round robin alternates replicas; both must serve, and alike.
        var answers = await SearchManyAsync(balancer, TextSearch, 20);
        Assert.Equal(["replica-1", "replica-2"], answers.Select(a => a.Instance).Distinct().Order());
        foreach (var answer in answers) answer.AssertSameAs(answers[0]);
        Assert.Equal(6, answers[0].Hits[0].Count);
        var imageAnswers = await SearchManyAsync(balancer, ImageSearch, 10);
        foreach (var answer in imageAnswers) answer.AssertSameAs(imageAnswers[0]);

        await topology.KillReplicaAsync(1);

        // nginx retries what hit the dead replica on the live one: no client sees a failure.
        foreach (var answer in await SearchManyAsync(balancer, TextSearch, 10))
        {
            Assert.Equal("replica-2", answer.Instance);
            answer.AssertSameAs(answers[0]);
        }
        for (int batch = 3; batch < 6; batch++)
        {
            await AddImagesAsync(balancer, $"image-{2 * batch}", $"image-{2 * batch + 1}");
        }

        await topology.StartReplicaAsync(1);

        // The restarted replica restored what was added while it was down, and answers as the other one does.
        using var restarted = topology.Replica(1);
        using var survivor = topology.Replica(2);
        var listing = await restarted.GetFromJsonAsync<ImageListing>("/images?offset=0&limit=100");
        Assert.Equal(12, listing!.Total);
        var fromRestarted = await SearchAsync(restarted, TextSearch);
        var fromSurvivor = await SearchAsync(survivor, TextSearch);
        Assert.Equal("replica-1", fromRestarted.Instance);
        fromRestarted.AssertSameAs(fromSurvivor);
        Assert.Contains("image-11", fromRestarted.Hits[0].Select(h => h.Id));

        // nginx takes it back once its fail_timeout has passed.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        var servedBy = new HashSet<string>();
        while (servedBy.Count < 2 && DateTime.UtcNow < deadline)
        {
            var answer = await SearchAsync(balancer, TextSearch);
            answer.AssertSameAs(fromSurvivor);
            servedBy.Add(answer.Instance);
            await Task.Delay(100);
        }
        Assert.Equal(["replica-1", "replica-2"], servedBy.Order());
    }

    /// <summary>
    /// nginx's TLS and limits (issue 17, items 4 and 10): plain HTTP redirects to HTTPS but for the readiness probe,
    /// HTTPS answers carry HSTS and the service's own headers, and a search body is refused by nginx when clearly too
    /// large and by the service, with its problem+json, when just over the service's limit.
    /// </summary>
    private static async Task AssertTheEdgeAsync(ProcessTopology topology, HttpClient balancer)
    {
        using var plain = topology.PlainBalancer();
        using (var redirected = await plain.PostAsync("/search/text-to-image?k=3", Json(new { queries = new[] { "a red star" } })))
        {
            Assert.Equal(HttpStatusCode.PermanentRedirect, redirected.StatusCode);
            Assert.Equal($"https://127.0.0.1:{topology.HttpsPort}/search/text-to-image?k=3", redirected.Headers.Location?.ToString());
        }
        Assert.Equal(HttpStatusCode.OK, (await plain.GetAsync("/health/ready")).StatusCode);

        using (var ready = await balancer.GetAsync("/health/ready"))
        {
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            Assert.Equal("max-age=31536000", ready.Headers.GetValues("Strict-Transport-Security").Single());
            Assert.Contains("frame-ancestors 'none'", ready.Headers.GetValues("Content-Security-Policy").Single());
        }

        using (var atNginx = await balancer.PostAsync("/search/text-to-image", Json(new { queries = new[] { new string('a', 3_000_000) } })))
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, atNginx.StatusCode);
            Assert.False(atNginx.Headers.Contains("X-Sgraf-Instance"), "nginx should refuse it without asking a replica");
        }
        using (var atService = await balancer.PostAsync("/search/text-to-image", Json(new { queries = new[] { new string('a', 1_500_000) } })))
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, atService.StatusCode);
            Assert.Equal("application/problem+json", atService.Content.Headers.ContentType?.MediaType);
            Assert.Contains("Sgraf:Limits:MaxSearchBodyBytes", await atService.Content.ReadAsStringAsync());
        }
    }

    private static StringContent Json(object body) => new(System.Text.Json.JsonSerializer.Serialize(body), System.Text.Encoding.UTF8, "application/json");

    private sealed record ImageListing(int Total);

    private static async Task AddImagesAsync(HttpClient balancer, params string[] ids)
    {
        using var response = await balancer.PostAsJsonAsync("/images",
            TestGallery.ImageBody([.. ids.Select(id => (id, int.Parse(id["image-".Length..])))]));
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"add {string.Join(", ", ids)}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private static async Task AddCaptionsAsync(HttpClient balancer, (string Id, string Text)[] captions)
    {
        using var response = await balancer.PostAsJsonAsync("/captions", TestGallery.CaptionBody(captions));
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"add captions: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private static async Task<SearchAnswer> SearchAsync(HttpClient client, Search search)
    {
        using var response = await client.PostAsJsonAsync(search.Path, search.Body);
        return await SearchAnswer.ReadAsync(response);
    }

    private static async Task<List<SearchAnswer>> SearchManyAsync(HttpClient client, Search search, int count)
    {
        var answers = new List<SearchAnswer>();
        for (int i = 0; i < count; i++) answers.Add(await SearchAsync(client, search));
        return answers;
    }
}
