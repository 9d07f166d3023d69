using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Sgraf.Api.Configuration;
using Sgraf.Api.Gallery;
using Sgraf.Api.Gallery.Redis;

namespace Sgraf.Api.Tests.Gallery.Redis;

/// <summary>What one API replica holds of the gallery: a started Redis store and what it applied.</summary>
internal sealed class Replica : IAsyncDisposable
{
    public const string Bundle = "bundle-a";

    private Replica(RedisGalleryStore store, GalleryRecorder applied)
    {
        Store = store;
        Applied = applied;
    }

    public RedisGalleryStore Store { get; }
    public GalleryRecorder Applied { get; }

    public static async Task<Replica> StartAsync(string redisConfiguration, string keyPrefix, string bundle = Bundle, ILogger? logger = null)
    {
        var options = new RedisStoreOptions { Configuration = redisConfiguration, KeyPrefix = keyPrefix };
        var store = await RedisGalleryStore.ConnectAsync(options, bundle, logger ?? NullLogger.Instance, CancellationToken.None);
        var applied = new GalleryRecorder();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await store.StartAsync(applied.Apply, timeout.Token);
        }
        catch
        {
            await store.DisposeAsync();
            throw;
        }
        return new Replica(store, applied);
    }

    public Task AddImagesAsync(params string[] ids) =>
        AppendAsync(ids.Select(id => GalleryRecord.AddImage(id, Embedding(id), $$"""{"title":"{{id}}"}""")).ToList());

    public async Task AppendAsync(IReadOnlyList<GalleryRecord> records)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await Store.AppendAsync(records, timeout.Token);
    }

    /// <summary>Distinct, reproducible bytes per id, so a test can check the payload that arrived is the one sent.</summary>
    public static byte[] Embedding(string id)
    {
        var bytes = new byte[256];
        new Random(id.Aggregate(17, (hash, c) => unchecked(hash * 31 + c))).NextBytes(bytes);
        return bytes;
    }

    public ValueTask DisposeAsync() => Store.DisposeAsync();
}
