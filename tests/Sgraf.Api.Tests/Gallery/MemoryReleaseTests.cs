using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Sgraf.Api.Gallery;
using Sgraf.Api.Tests.Service;

namespace Sgraf.Api.Tests.Gallery;

/// <summary>Memory that adds used goes back once they stop: the release runs after the quiet period, once.</summary>
public sealed class MemoryReleaseTests
{
    [Fact]
    public async Task An_add_is_followed_by_one_release_once_changes_stop()
    {
        await using var factory = new SgrafServiceFactory();
        using var client = await factory.CreateReadyClientAsync();
        var release = factory.Services.GetRequiredService<MemoryRelease>();
        int before = release.QuietReleases;

        (await client.PostAsJsonAsync("/images", TestGallery.ImageBody(("burst-0", 0), ("burst-1", 1)))).EnsureSuccessStatusCode();

        var deadline = DateTime.UtcNow + MemoryRelease.QuietPeriod + TimeSpan.FromSeconds(20);
        while (release.QuietReleases == before && DateTime.UtcNow < deadline) await Task.Delay(100);
        Assert.Equal(before + 1, release.QuietReleases);
        await Task.Delay(MemoryRelease.QuietPeriod * 2);
        Assert.Equal(before + 1, release.QuietReleases);   // no change since: no further release
    }
}
