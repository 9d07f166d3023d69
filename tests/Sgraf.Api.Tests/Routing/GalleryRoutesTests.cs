using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Sgraf.Api.Gallery;
using Sgraf.Api.Tests.Service;
using Sgraf.TestSupport;

namespace Sgraf.Api.Tests.Routing;

/// <summary>
/// A gallery holding ids that adds now refuse, as an older service stored them (issue 17, item 8: <c>a/b</c> was
/// stored, and then no route reached it), served by the real process: paths are read as Kestrel hands them over.
/// </summary>
public sealed class LegacyIdsFixture : IAsyncLifetime
{
    public static readonly string[] Ids = ["a/b", "a%2Fb", "../../etc/passwd", "zero\u200Bwidth", "cafe\u0301", "caf\u00E9"];

    readonly TempDirectory data = new();

    public ServiceProcess Service { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        // Stored through the writer, which (like the store) takes any id: the rules are the endpoints'.
        await using (var factory = new SgrafServiceFactory(new Dictionary<string, string?>(), data.Path))
        {
            using var client = await factory.CreateReadyClientAsync();
            await factory.Services.GetRequiredService<IGalleryWriter>().AddCaptionsAsync(
                [.. Ids.Select(id => (id, $"a red star {id}", (JsonObject?)null))], CancellationToken.None);
        }
        Service = ServiceProcess.Start(data.Path);
        await Service.WaitReadyAsync(TimeSpan.FromSeconds(60));
    }

    public Task DisposeAsync()
    {
        Service?.Dispose();
        data.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>
/// Items stored before ids were checked stay readable and deletable: a path names an id percent-encoded as one segment,
/// decoded once, so <c>a%2Fb</c> is <c>a/b</c> and never the different item whose id is literally <c>a%2Fb</c>.
/// </summary>
public sealed class GalleryRoutesTests(LegacyIdsFixture fixture) : IClassFixture<LegacyIdsFixture>
{
    [Fact]
    public async Task Every_stored_id_is_read_by_its_percent_encoded_path_and_a_slash_id_deleted_leaves_the_one_spelling_its_escape()
    {
        using var client = fixture.Service.Client();
        foreach (var id in LegacyIdsFixture.Ids)
        {
            using var response = await client.GetAsync("/captions/" + Uri.EscapeDataString(id));
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {id}: {(int)response.StatusCode} {body}");
            Assert.Equal(id, JsonNode.Parse(body)!["id"]!.GetValue<string>());
        }

        using (var deleted = await client.DeleteAsync("/captions/a%2Fb"))
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/captions/a%2Fb")).StatusCode);
        Assert.Equal("a%2Fb", JsonNode.Parse(await client.GetStringAsync("/captions/a%252Fb"))!["id"]!.GetValue<string>());

        foreach (var path in new[] { "/captions/..%2F..%2Fetc%2Fpasswd", "/captions/zero%E2%80%8Bwidth" })
        {
            using var deleted = await client.DeleteAsync(path);
            Assert.True(deleted.StatusCode == HttpStatusCode.NoContent, $"DELETE {path}: {(int)deleted.StatusCode}");
        }
        var left = JsonNode.Parse(await client.GetStringAsync("/captions"))!["items"]!.AsArray().Select(i => i!["id"]!.GetValue<string>());
        Assert.Equal(["a%2Fb", "cafe\u0301", "caf\u00E9"], left.Order(StringComparer.Ordinal));
    }
}
