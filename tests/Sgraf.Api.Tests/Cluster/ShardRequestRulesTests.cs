using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Sgraf.Api.Cluster;
using Sgraf.Api.Configuration;
using Sgraf.Api.Gallery;
using Sgraf.Api.Gallery.Index;
using Sgraf.Api.Search;
using Sgraf.Api.Tests.Gallery.Local;
using Sgraf.Api.Validation;
using HttpJsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace Sgraf.Api.Tests.Cluster;

/// <summary>
/// What a shard takes from a caller, by the HTTP path's rules and the codec recovery decodes with: what the front
/// writes passes; the review's poisoned record, ids the HTTP path refuses, another shard's ids, kinds other than adds,
/// payloads of the wrong layout or with NaN, and metadata the strict request JSON refuses do not.
/// </summary>
public sealed class ShardRequestRulesTests(SegmentCheckpointTests.Bundle bundle) : IClassFixture<SegmentCheckpointTests.Bundle>
{
    const int Shards = 2;

    ShardRequestRules Rules()
    {
        var options = new SgrafServiceOptions();
        options.Cluster.Shards = Shards;
        var json = new ServiceCollection().AddStrictRequestJson().BuildServiceProvider().GetRequiredService<IOptions<HttpJsonOptions>>();
        return new ShardRequestRules(new RequestRules(options.Limits, bundle.Runtime.Bundle.ImgDim),
            new SearchRules(options.Search, bundle.Runtime.Shortlist is not null, bundle.Runtime.Bundle.Modules),
            bundle.Codec, new ShardCalls(null!, Options.Create(options)), json);
    }

    static ShardRecord Shard(GalleryRecord record) => new((byte)record.Kind, record.Id, record.Metadata, record.Payload.ToArray());

    /// <summary>An id that shard <paramref name="shard"/> owns, starting with <paramref name="stem"/>.</summary>
    static string OwnedBy(int shard, string stem) =>
        Enumerable.Range(0, 100).Select(i => $"{stem}-{i}").First(id => new ShardMap(Shards).ShardOf(id) == shard);

    [Fact]
    public void What_the_front_writes_is_accepted()
    {
        var records = new[] { Shard(bundle.Caption(OwnedBy(0, "caption"), "a red circle")), Shard(bundle.Image(OwnedBy(0, "image"), 1)) };
        Assert.Null(Rules().Append(0, records));
        Assert.Null(Rules().Delete(0, GalleryItemKind.Image, records[1].Id));
    }

    [Fact]
    public void The_reviews_poisoned_record_is_refused_for_its_metadata_and_its_payload()
    {
        var refused = Rules().Append(0, [new ShardRecord((byte)GalleryRecordKind.AddCaption, OwnedBy(0, "bad"), "{not json", new byte[3])]);
        Assert.NotNull(refused);
        Assert.Contains("records[0].metadata: is not the item's description as JSON", refused, StringComparison.Ordinal);
        Assert.Contains("records[0].payload: caption", refused, StringComparison.Ordinal);
    }

    [Fact]
    public void Ids_are_checked_as_the_http_path_checks_them_and_must_be_the_shards_own()
    {
        var rules = Rules();
        var bad = Shard(bundle.Caption("bad\u0001id", "a red circle"));
        var expected = new ValidationErrors();
        new RequestRules(new LimitOptions(), bundle.Runtime.Bundle.ImgDim).CheckId(bad.Id, "records[0].id", expected);
        Assert.Contains($"records[0].id: {expected.ToDictionary()["records[0].id"][0]}", rules.Append(new ShardMap(Shards).ShardOf(bad.Id), [bad]), StringComparison.Ordinal);

        string other = OwnedBy(1, "elsewhere");
        Assert.Contains($"'{other}' belongs to shard 1, not 0", rules.Append(0, [Shard(bundle.Caption(other, "a red circle"))]), StringComparison.Ordinal);
        Assert.Contains("belongs to shard 1, not 0", rules.Delete(0, GalleryItemKind.Caption, other), StringComparison.Ordinal);
        Assert.Contains("kind: is 7", rules.Delete(0, (GalleryItemKind)7, OwnedBy(0, "x")), StringComparison.Ordinal);
    }

    [Fact]
    public void A_grain_refuses_new_ids_that_break_the_id_rules_and_deletes_any_stored_id_it_owns()
    {
        var rules = Rules();
        string slashed = Enumerable.Range(0, 100).Select(i => $"legacy/{i}").First(id => new ShardMap(Shards).ShardOf(id) == 0);
        Assert.Contains("records[0].id: contains '/' (U+002F) at index 6", rules.Append(0, [Shard(bundle.Caption(slashed, "a red circle"))]), StringComparison.Ordinal);
        // Stored before the rules, by an older service: still deletable (issue 17, item 8).
        Assert.Null(rules.Delete(0, GalleryItemKind.Caption, slashed));
        Assert.Contains("id: is required", rules.Delete(0, GalleryItemKind.Caption, ""), StringComparison.Ordinal);
    }

    [Fact]
    public void Only_adds_of_this_bundles_layout_with_finite_values_and_strict_metadata_are_taken()
    {
        var rules = Rules();
        string id = OwnedBy(0, "item");
        Assert.Contains("records[0].kind: is 2", rules.Append(0, [new ShardRecord((byte)GalleryRecordKind.DeleteImage, id, "", [])]), StringComparison.Ordinal);
        Assert.Contains("records[0].kind: is 0", rules.Append(0, [new ShardRecord((byte)GalleryRecordKind.Header, id, "", [])]), StringComparison.Ordinal);

        var image = Shard(bundle.Image(id, 1));
        Assert.Contains("records[0].payload: image", rules.Append(0, [image with { Payload = image.Payload[..^4] }]), StringComparison.Ordinal);
        var nan = image.Payload.ToArray();
        BitConverter.TryWriteBytes(nan.AsSpan(8), float.NaN);
        Assert.Contains("records[0].payload: holds a value that is not finite", rules.Append(0, [image with { Payload = nan }]), StringComparison.Ordinal);

        Assert.Contains("records[0].metadata", rules.Append(0, [image with { Metadata = """{"text":null,"metadata":{},"extra":1}""" }]), StringComparison.Ordinal);
        Assert.Contains("records[0].metadata", rules.Append(0, [image with { Metadata = """{"text":null,"metadata":{"a":1,"a":2}}""" }]), StringComparison.Ordinal);
        Assert.Contains("records[0].metadata.text: is given for an image", rules.Append(0, [image with { Metadata = new ItemDescription("words", null).ToJson() }]), StringComparison.Ordinal);
        string big = new ItemDescription(null, new() { ["title"] = new string('x', 5000) }).ToJson();
        Assert.Contains("records[0].metadata.metadata: is", rules.Append(0, [image with { Metadata = big }]), StringComparison.Ordinal);

        var caption = Shard(bundle.Caption(id, "a red circle"));
        Assert.Contains("records[0].metadata.text: is required", rules.Append(0, [caption with { Metadata = new ItemDescription(" ", null).ToJson() }]), StringComparison.Ordinal);
        Assert.Contains("records: repeats id(s)", rules.Append(0, [caption, caption]), StringComparison.Ordinal);
    }

    [Fact]
    public void Searches_are_checked_for_their_queries_k_and_model()
    {
        var rules = Rules();
        Assert.Null(rules.Search([new ShardTextQuery("a red circle", null)], 10, "sgraf", rules.TextQuery));
        Assert.Contains("k: is 0", rules.Search([new ShardTextQuery("a red circle", null)], 0, "sgraf", rules.TextQuery), StringComparison.Ordinal);
        Assert.Contains("model: is 'best'", rules.Search([new ShardTextQuery("a red circle", null)], 10, "best", rules.TextQuery), StringComparison.Ordinal);
        Assert.Contains("queries[0].text", rules.Search([new ShardTextQuery("", null)], 10, "sgraf", rules.TextQuery), StringComparison.Ordinal);
        Assert.Contains("queries[0].image", rules.Search([new ShardImageQuery(new byte[5], null)], 10, "sgraf", rules.ImageQuery), StringComparison.Ordinal);
        Assert.Contains("queries: is required", rules.Search(Array.Empty<ShardTextQuery>(), 10, "sgraf", rules.TextQuery), StringComparison.Ordinal);
    }
}
