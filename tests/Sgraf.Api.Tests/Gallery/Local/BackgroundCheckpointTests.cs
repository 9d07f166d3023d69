using Sgraf.Api.Gallery;
using Sgraf.Api.Gallery.Index;
using Sgraf.Api.Gallery.Local;
using Sgraf.Api.Tests.Service;
using Sgraf.TestSupport;

namespace Sgraf.Api.Tests.Gallery.Local;

/// <summary>
/// Checkpoints run in the background: with a seal held at one of its steps, adds and deletes still complete, are
/// searchable at once, are honoured by the sealed segments, and survive a crash at that step.
/// </summary>
public sealed class BackgroundCheckpointTests(SegmentCheckpointTests.Bundle bundle) : IClassFixture<SegmentCheckpointTests.Bundle>, IDisposable
{
    // About two demo images per checkpoint, as in SegmentCheckpointTests.
    const long CheckpointBytes = 1 << 16;
    static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    readonly TempDirectory data = new();

    public void Dispose() => data.Dispose();

    GalleryIndex NewIndex() => new(bundle.Codec, bundle.Runtime.Shortlist, bundle.Runtime.Bundle.EmbeddingsHash, "head-1");

    LocalGalleryStore OpenStore(GalleryIndex index) =>
        LocalGalleryStore.Open(data.Path, bundle.Runtime.Bundle.EmbeddingsHash, index, CheckpointBytes);

    /// <summary>Holds the background checkpoint after <paramref name="step"/> until released; then it goes on, or stops there as a crash would.</summary>
    sealed class HeldStep(string step) : IDisposable
    {
        readonly SemaphoreSlim reached = new(0), released = new(0);
        bool crash;

        public void OnStep(string s)
        {
            if (s != step) return;
            reached.Release();
            if (!released.Wait(Patience)) throw new TimeoutException($"the test never released the checkpoint held after '{step}'");
            if (crash) throw new CheckpointInterruptedException(s);
        }

        public Task Reached() => reached.WaitAsync(Patience);

        public void Release(bool crash)
        {
            this.crash = crash;
            released.Release();
        }

        public void Dispose() => released.Release();
    }

    [Theory]
    [InlineData("sealed", false)]
    [InlineData("sealed", true)]
    [InlineData("swapped", false)]
    [InlineData("swapped", true)]
    public async Task Adds_and_deletes_complete_while_a_seal_is_held_and_are_kept_by_it_and_by_a_crash_there(string step, bool crash)
    {
        var index = NewIndex();
        var newcomer = bundle.Image("newcomer", 500);
        var replacement = bundle.Image("frozen-b", 777);
        await using (var store = OpenStore(index))
        {
            await store.StartAsync(index.Apply, CancellationToken.None);
            for (int n = 0; n < 3; n++)
            {
                await store.AppendAsync([bundle.Image($"old-{n}", n), bundle.Caption($"cap-{n}", TestGallery.Captions[n])], CancellationToken.None);
                await store.Sealing;
            }
            using var held = new HeldStep(step);
            store.CheckpointStep = held.OnStep;
            // Passes the checkpoint size: the index is frozen with these in it, and their seal is held after the step.
            await store.AppendAsync([bundle.Image("frozen-a", 10), bundle.Image("frozen-b", 11), bundle.Image("frozen-c", 12)], CancellationToken.None);
            await held.Reached();

            // On another thread, with a deadline: were an add to wait for the seal, it would wait until the test gave up.
            await Task.Run(() => store.AppendAsync([newcomer], CancellationToken.None)).WaitAsync(TimeSpan.FromSeconds(20));
            Assert.True(index.Current.Images.ContainsKey("newcomer"), "an add acknowledged during the seal is not searchable");
            Assert.True(index.Current.Images.ContainsKey("frozen-a"), "a frozen item is not searchable during the seal");
            await Task.Run(() => store.AppendAsync([GalleryRecord.DeleteImage("frozen-a"), replacement, GalleryRecord.DeleteCaption("cap-1")],
                CancellationToken.None)).WaitAsync(TimeSpan.FromSeconds(20));
            Assert.False(store.Sealing.IsCompleted, "the seal was not held while the adds ran");

            held.Release(crash);
            await store.Sealing;
            if (crash) Assert.IsType<CheckpointInterruptedException>(store.CheckpointFailure);
            else Assert.Null(store.CheckpointFailure);

            var images = index.Current.Images;
            Assert.False(images.ContainsKey("frozen-a"), "a delete made during the seal was undone by it");
            Assert.False(index.Current.Captions.ContainsKey("cap-1"), "a caption delete made during the seal was undone by it");
            Assert.Equal(replacement.Payload.ToArray(), index.Codec.EncodeImage(images["frozen-b"].Segment.Read(images["frozen-b"].Slot)));
            Assert.Contains("newcomer", images.Keys);
            // Swapped in: the frozen items are read from their new file.
            Assert.Equal(crash && step == "sealed", images["frozen-c"].Segment.FileName is null);
            if (!crash && step == "sealed")
            {
                // The deleted and the replaced item are dead in the copy written before they changed.
                var checkpoint = GalleryCheckpoint.Read(data.Path)!;
                var copy = checkpoint.Segments.Single(s => s.File == images["frozen-c"].Segment.FileName);
                Assert.Equal(2, copy.Dead.Count);
            }
        }

        var restored = NewIndex();
        await using (var reopened = OpenStore(restored))
            await reopened.StartAsync(restored.Apply, CancellationToken.None);
        SegmentCheckpointTests.AssertSameContents(index, restored);
        Assert.Equal(6, restored.Current.Images.Count);
        Assert.Equal(2, restored.Current.Captions.Count);
    }

    [Fact]
    public async Task A_failed_checkpoint_is_begun_again_at_the_next_add_and_its_files_are_cleared_up()
    {
        var index = NewIndex();
        await using (var store = OpenStore(index))
        {
            await store.StartAsync(index.Apply, CancellationToken.None);
            store.CheckpointStep = s => { if (s == "sealed") throw new CheckpointInterruptedException(s); };
            await store.AppendAsync([bundle.Image("a", 1), bundle.Image("b", 2), bundle.Image("c", 3)], CancellationToken.None);
            await store.Sealing;
            Assert.IsType<CheckpointInterruptedException>(store.CheckpointFailure);
            Assert.Equal(0, store.Checkpoints);

            // A small add, far below the checkpoint size: the checkpoint is begun again because the last one failed.
            store.CheckpointStep = null;
            await store.AppendAsync([GalleryRecord.DeleteImage("b")], CancellationToken.None);
            await store.Sealing;
            Assert.Null(store.CheckpointFailure);
            Assert.Equal(1, store.Checkpoints);
            Assert.NotNull(index.Current.Images["a"].Segment.FileName);
        }
        // Only what the checkpoint names is left: the failed seal's files and the logs it covers are gone.
        var checkpoint = GalleryCheckpoint.Read(data.Path)!;
        Assert.Equal(checkpoint.Segments.Select(s => s.File).Order(), Directory.GetFiles(Path.Combine(data.Path, "segments")).Select(Path.GetFileName).Order());
        Assert.Equal([checkpoint.Log], Directory.GetFiles(data.Path, "gallery*.log").Select(Path.GetFileName));
        var restored = NewIndex();
        await using (var reopened = OpenStore(restored))
            await reopened.StartAsync(restored.Apply, CancellationToken.None);
        SegmentCheckpointTests.AssertSameContents(index, restored);
        Assert.Equal(["a", "c"], restored.Current.Images.Keys);
    }
}
