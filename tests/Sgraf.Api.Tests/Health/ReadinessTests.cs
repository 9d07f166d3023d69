using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Sgraf.Api.Health;
using Sgraf.Api.Tests.Service;

namespace Sgraf.Api.Tests.Health;

/// <summary>
/// /health/ready is open (nginx passes it, probes read it): it says ready or not and why in words, and keeps the
/// service's internals (data path, bundle hash, store, silos) for key holders and the log (issue 17, item 7).
/// </summary>
public sealed class ReadinessTests : IAsyncLifetime
{
    readonly SgrafServiceFactory factory = new();
    HttpClient keyed = null!;
    HttpClient anonymous = null!;

    public async Task InitializeAsync()
    {
        keyed = await factory.CreateReadyClientAsync();
        anonymous = factory.CreateClient();
    }

    public async Task DisposeAsync()
    {
        keyed.Dispose();
        anonymous.Dispose();
        await factory.DisposeAsync();
    }

    [Fact]
    public async Task Anyone_learns_ready_and_why_in_words_and_whether_pictures_are_taken_and_nothing_more()
    {
        using var response = await anonymous.GetAsync("/health/ready");
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonNode.Parse(text)!.AsObject();
        Assert.Equal(["pictures", "reason", "status"], body.Select(p => p.Key).Order());
        // The demo bundle has no picture encoder: the page must not offer to add or search by photos.
        Assert.False(body["pictures"]!.GetValue<bool>());
        Assert.Equal("ready", body["status"]!.GetValue<string>());
        Assert.Equal("ready", body["reason"]!.GetValue<string>());
        Assert.DoesNotContain(factory.DataDirectory, text);
    }

    [Fact]
    public async Task A_key_holder_gets_the_details_too()
    {
        var body = JsonNode.Parse(await keyed.GetStringAsync("/health/ready"))!;
        Assert.Equal("ready", body["status"]!.GetValue<string>());
        Assert.Equal(64, body["bundle"]!.GetValue<string>().Length);
        Assert.Contains(factory.DataDirectory, body["detail"]!.GetValue<string>());
        Assert.NotNull(body["shortlistHead"]);
    }

    [Fact]
    public async Task A_failed_service_says_so_in_words_and_its_503s_carry_no_internals()
    {
        const string Internal = "/srv/secret/gallery.log is corrupt at redis-7.internal:6379 (System.IO.InvalidDataException)";
        factory.Services.GetRequiredService<ServiceReadiness>().Report(StartupStage.Failed, Internal);

        using var ready = await anonymous.GetAsync("/health/ready");
        var readyText = await ready.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal("start-up failed; the service's log says why", JsonNode.Parse(readyText)!["reason"]!.GetValue<string>());
        Assert.DoesNotContain("secret", readyText);

        using var refused = await keyed.GetAsync("/images");
        var refusedText = await refused.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Contains("not ready (start-up failed", JsonNode.Parse(refusedText)!["detail"]!.GetValue<string>());
        foreach (var leak in new[] { "secret", "redis-7", "6379", "InvalidDataException" }) Assert.DoesNotContain(leak, refusedText);

        using var details = await keyed.GetAsync("/health/ready");
        Assert.Contains(Internal, JsonNode.Parse(await details.Content.ReadAsStringAsync())!["detail"]!.GetValue<string>());
    }
}
