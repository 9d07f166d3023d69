using Sgraf.Api.Gallery;
using Sgraf.Api.Gallery.Index;
using Sgraf.Api.Gallery.Local;
using Sgraf.Api.Tests.Service;
using Sgraf.Inference.Model;
using Sgraf.Inference.Runtime;
using Sgraf.TestSupport;

namespace Sgraf.Api.Tests.Gallery.Local;

/// <summary>
/// The local store's checkpoints with the real index and the demo bundle's head: the gallery sealed into segment files
/// reads back exactly after a restart, a crash between any two checkpoint steps loses nothing acknowledged, mostly dead
/// segments are rewritten, and a damaged segment file stops start-up with its name. Checkpoints run in the background;
/// these tests wait for each (<c>store.Sealing</c>) where they count them. <see cref="BackgroundCheckpointTests"/>
/// pins down what happens while one runs.
/// </summary>
public sealed class SegmentCheckpointTests : IClassFixture<SegmentCheckpointTests.Bundle>, IDisposable
{
    // About two demo images per checkpoint: every few appends seal, and small segments keep being merged.
    const long CheckpointBytes = 1 << 16;

    public sealed class Bundle : IDisposable
    {
        public SgrafRuntime Runtime { get; } = SgrafRuntime.Open(SgrafServiceFactory.BundlePath, new SgrafRuntimeOptions { IntraOpThreads = 1 });
        public EmbeddingCodec Codec => new(Runtime.Bundle);
        public void Dispose() => Runtime.Dispose();

        /// <summary>An image record with reproducible random embeddings.</summary>
        public GalleryRecord Image(string id, int seed)
        {
            var rng = new Random(seed);
            var encodings = Runtime.Bundle.Modules.ToDictionary(m => m, m =>
            {
                int d = Runtime.Bundle.Module(m).EmbedSize;
                return (Enumerable.Range(0, SgrafConfig.Regions * d).Select(_ => rng.NextSingle() - 0.5f).ToArray(),
                        Enumerable.Range(0, d).Select(_ => rng.NextSingle() - 0.5f).ToArray());
            });
            return GalleryRecord.AddImage(id, Codec.EncodeImage(new EncodedImage(encodings)), new ItemDescription(null, new() { ["seed"] = seed }).ToJson());
        }

        /// <summary>A caption record encoded by the bundle.</summary>
        public GalleryRecord Caption(string id, string text)
        {
            var encoded = Runtime.EncodeCaptions([text]);
            var caption = new EncodedCaption(encoded.Lengths[0], encoded.Encodings.ToDictionary(e => e.Key, e => (e.Value.Words[0], e.Value.Globals)));
            return GalleryRecord.AddCaption(id, Codec.EncodeCaption(caption), new ItemDescription(text, null).ToJson());
        }
    }

    readonly Bundle bundle;
    readonly TempDirectory data = new();

    public SegmentCheckpointTests(Bundle bundle) => this.bundle = bundle;

    public void Dispose() => data.Dispose();

    GalleryIndex NewIndex(string headHash = "head-1", bool half = false) =>
        new(bundle.Codec, bundle.Runtime.Shortlist, bundle.Runtime.Bundle.EmbeddingsHash, headHash, half);

    LocalGalleryStore OpenStore(GalleryIndex index) =>
        LocalGalleryStore.Open(data.Path, bundle.Runtime.Bundle.EmbeddingsHash, index, CheckpointBytes);

    GalleryRecord Image(string id, int seed) => bundle.Image(id, seed);

    GalleryRecord Caption(string id, string text) => bundle.Caption(id, text);

    /// <summary>Everything a reader can see of the gallery, to compare across restarts.</summary>
    internal static Dictionary<string, (byte[] Embeddings, float[] Vector, string? Text, string? Metadata)> Contents(GalleryIndex index)
    {
        var snapshot = index.Current;
        var contents = new Dictionary<string, (byte[], float[], string?, string?)>();
        foreach (var (id, at) in snapshot.Images)
            contents["image " + id] = (index.Codec.EncodeImage(at.Segment.Read(at.Slot)), at.Segment.ShortlistVector(at.Slot).ToArray(), at.Segment.Text(at.Slot), at.Segment.Metadata(at.Slot)?.ToJsonString());
        foreach (var (id, at) in snapshot.Captions)
            contents["caption " + id] = (index.Codec.EncodeCaption(at.Segment.Read(at.Slot)), at.Segment.ShortlistVector(at.Slot).ToArray(), at.Segment.Text(at.Slot), at.Segment.Metadata(at.Slot)?.ToJsonString());
        return contents;
    }

    internal static void AssertSameContents(GalleryIndex expected, GalleryIndex actual)
    {
        var (before, after) = (Contents(expected), Contents(actual));
        Assert.Equal(before.Keys.Order(), after.Keys.Order());
        foreach (var (key, item) in before)
        {
            Assert.True(item.Embeddings.AsSpan().SequenceEqual(after[key].Embeddings), $"{key}: embeddings differ after the restart");
            Assert.True(item.Vector.AsSpan().SequenceEqual(after[key].Vector), $"{key}: shortlist vector differs after the restart");
            Assert.Equal((item.Text, item.Metadata), (after[key].Text, after[key].Metadata));
        }
    }

    async Task<GalleryIndex> Reopen(string headHash = "head-1", bool half = false)
    {
        var index = NewIndex(headHash, half);
        await using var store = OpenStore(index);
        await store.StartAsync(index.Apply, CancellationToken.None);
        return index;
    }

    [Fact]
    public async Task Checkpoints_seal_the_gallery_into_segment_files_that_a_restart_reads_back_exactly()
    {
        var index = NewIndex();
        await using (var store = OpenStore(index))
        {
            await store.StartAsync(index.Apply, CancellationToken.None);
            for (int batch = 0; batch < 12; batch++)
            {
                await store.AppendAsync([Image($"img-{batch}a", batch), Image($"img-{batch}b", 100 + batch), Caption($"cap-{batch}", TestGallery.Captions[batch % 8])], CancellationToken.None);
                await store.Sealing;
            }
            await store.AppendAsync([GalleryRecord.DeleteImage("img-3a"), GalleryRecord.DeleteCaption("cap-4"), Image("img-5b", 999)], CancellationToken.None);
            await store.Sealing;
            Assert.True(store.Checkpoints >= 5, $"only {store.Checkpoints} checkpoints");
            Assert.Null(store.CheckpointFailure);
        }
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(data.Path, LocalGalleryStore.SegmentDirectoryName)));
        var checkpoint = GalleryCheckpoint.Read(data.Path)!;
        Assert.Equal([checkpoint.Log], Directory.GetFiles(data.Path, "gallery*.log").Select(Path.GetFileName));
        Assert.Equal(checkpoint.Segments.Select(s => s.File).Order(), Directory.GetFiles(Path.Combine(data.Path, "segments")).Select(Path.GetFileName).Order());

        var restored = await Reopen();
        AssertSameContents(index, restored);
        Assert.Equal(23, restored.Current.Images.Count);
        Assert.Equal(11, restored.Current.Captions.Count);
        Assert.False(restored.Current.Images.ContainsKey("img-3a"));
    }

    [Theory]
    [InlineData("log-started")]
    [InlineData("sealed")]
    [InlineData("swapped")]
    [InlineData("checkpoint-written")]
    public async Task A_crash_after_any_checkpoint_step_loses_nothing_acknowledged(string step)
    {
        var index = NewIndex();
        await using (var store = OpenStore(index))
        {
            await store.StartAsync(index.Apply, CancellationToken.None);
            for (int n = 0; n < 6; n++) await store.AppendAsync([Image($"before-{n}", n), Caption($"c-{n}", TestGallery.Captions[n])], CancellationToken.None);
            await store.AppendAsync([GalleryRecord.DeleteImage("before-1")], CancellationToken.None);
            await store.Sealing;
            // The next checkpoint stops after the step, as if the process died there; nothing after it runs.
            store.CheckpointStep = s => { if (s == step) throw new CheckpointInterruptedException(s); };
            await store.AppendAsync([Image("last-a", 50), Image("last-b", 51)], CancellationToken.None);
            await store.Sealing;
            Assert.IsType<CheckpointInterruptedException>(store.CheckpointFailure);
        }
        var restored = await Reopen();
        AssertSameContents(index, restored);
        Assert.Contains("last-b", restored.Current.Images.Keys);
        Assert.DoesNotContain("before-1", restored.Current.Images.Keys);
        // Whatever the interrupted checkpoint left behind is either referenced now or gone.
        var checkpoint = GalleryCheckpoint.Read(data.Path)!;
        Assert.Equal(checkpoint.Segments.Select(s => s.File).Order(), Directory.GetFiles(Path.Combine(data.Path, "segments")).Select(Path.GetFileName).Order());
        Assert.Equal([checkpoint.Log], Directory.GetFiles(data.Path, "gallery*.log").Select(Path.GetFileName));
    }

    [Fact]
    public async Task Mostly_dead_segments_are_rewritten_and_their_files_removed()
    {
        var index = NewIndex();
        await using (var store = LocalGalleryStore.Open(data.Path, bundle.Runtime.Bundle.EmbeddingsHash, index, checkpointBytes: 1 << 22))
        {
            await store.StartAsync(index.Apply, CancellationToken.None);
            await store.AppendAsync([.. Enumerable.Range(0, 150).Select(n => Image($"i{n}", n))], CancellationToken.None);
            await store.Sealing;
            Assert.Equal(1, store.Checkpoints);
            var first = GalleryCheckpoint.Read(data.Path)!.Segments.Single(s => s.Kind == ImageSegment.Kind).File;
            await store.AppendAsync([.. Enumerable.Range(0, 140).Select(n => GalleryRecord.DeleteImage($"i{n}"))], CancellationToken.None);
            await store.AppendAsync([.. Enumerable.Range(200, 120).Select(n => Image($"i{n}", n))], CancellationToken.None);
            await store.Sealing;
            Assert.Equal(2, store.Checkpoints);
            var segments = GalleryCheckpoint.Read(data.Path)!.Segments.Where(s => s.Kind == ImageSegment.Kind).ToList();
            Assert.DoesNotContain(first, segments.Select(s => s.File));
            Assert.False(File.Exists(Path.Combine(data.Path, "segments", first)));
            Assert.Empty(Assert.Single(segments).Dead);
        }
        var restored = await Reopen();
        AssertSameContents(index, restored);
        Assert.Equal(130, restored.Current.Images.Count);
    }

    [Fact]
    public async Task Segments_written_with_another_head_get_their_shortlist_vectors_computed_again()
    {
        var index = NewIndex();
        await using (var store = OpenStore(index))
        {
            await store.StartAsync(index.Apply, CancellationToken.None);
            for (int n = 0; n < 6; n++) await store.AppendAsync([Image($"i{n}", n), Caption($"c{n}", TestGallery.Captions[n])], CancellationToken.None);
        }
        // The same head under another name: the vectors are computed afresh, and so equal the stored ones.
        var restored = await Reopen(headHash: "head-2");
        AssertSameContents(index, restored);
    }

    [Fact]
    public async Task Float16_segments_hold_each_region_embedding_rounded_to_half_precision()
    {
        var index = NewIndex(half: true);
        var added = new Dictionary<string, GalleryRecord>();
        await using (var store = OpenStore(index))
        {
            await store.StartAsync(index.Apply, CancellationToken.None);
            for (int n = 0; n < 8; n++)
            {
                GalleryRecord image = Image($"i{n}", n), caption = Caption($"c{n}", TestGallery.Captions[n]);
                added[image.Id] = image;
                added[caption.Id] = caption;
                await store.AppendAsync([image, caption], CancellationToken.None);
                // Each add passes the checkpoint size; a restart seals what is left in the log, so the last seal must have run.
                await store.Sealing;
            }
        }
        var restored = await Reopen(half: true);
        AssertSameContents(index, restored);
        var sealedImages = 0;
        foreach (var (id, at) in restored.Current.Images)
        {
            var original = bundle.Codec.DecodeImage(added[id].Payload.Span, id);
            var stored = at.Segment.Read(at.Slot);
            bool isSealed = at.Segment.FileName is not null;
            sealedImages += isSealed ? 1 : 0;
            foreach (var (module, (regions, global)) in original.Encodings)
            {
                // Sealed: each value rounded to the nearest float16; still in the log (not sealed yet): float32 as given.
                float[] Expected(float[] values) => isSealed ? [.. values.Select(v => (float)(Half)v)] : values;
                Assert.Equal(Expected(regions), stored.Encodings[module].Regions);
                Assert.Equal(global, stored.Encodings[module].Global);
            }
        }
        Assert.True(sealedImages >= 4, $"only {sealedImages} images were sealed");
        foreach (var (id, at) in restored.Current.Captions)
            Assert.Equal(added[id].Payload.ToArray(), bundle.Codec.EncodeCaption(at.Segment.Read(at.Slot)));
        // Image segment files: 2 bytes per region embedding value (globals, ids, metadata and shortlist vectors as before;
        // the stored pictures' JPEG bytes are a byte block whatever the precision).
        var checkpoint = GalleryCheckpoint.Read(data.Path)!;
        var imageFile = checkpoint.Segments.First(s => s.Kind == ImageSegment.Kind);
        var (header, file) = SegmentFile.Open(Path.Combine(data.Path, "segments", imageFile.File));
        using (file)
            Assert.All(header.Blocks!.Where(b => b.Name != "pictures"),
                b => Assert.Equal(b.Name.EndsWith(".regions") ? SegmentFile.Float16 : SegmentFile.Float32, b.Type));
    }

    [Fact]
    public async Task A_damaged_segment_file_stops_start_up_with_its_name()
    {
        var index = NewIndex();
        await using (var store = OpenStore(index))
        {
            await store.StartAsync(index.Apply, CancellationToken.None);
            for (int n = 0; n < 4; n++) await store.AppendAsync([Image($"i{n}", n)], CancellationToken.None);
        }
        var victim = Directory.GetFiles(Path.Combine(data.Path, "segments")).Order().First();
        var bytes = File.ReadAllBytes(victim);
        bytes[^3] ^= 0x5A;   // inside the JSON header, which start-up checks
        File.WriteAllBytes(victim, bytes);
        var fresh = NewIndex();
        await using var reopened = OpenStore(fresh);
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => reopened.StartAsync(fresh.Apply, CancellationToken.None));
        Assert.Contains(Path.GetFileName(victim), error.Message);
        Assert.Contains("CRC", error.Message);
    }
}
