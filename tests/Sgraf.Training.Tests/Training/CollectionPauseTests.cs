using System.Runtime;
using Sgraf.Training.Training;

namespace Sgraf.Training.Tests.Training;

/// <summary>
/// The pause a training step runs in (TorchSharp's temporary Scalars must not be finalized mid-call): held during the
/// body, a pause inside it keeps the outer one (StepRunner.Step pauses around Update, which pauses around Adam), and
/// it ends after the body, whether the body returns or throws.
/// </summary>
public sealed class CollectionPauseTests
{
    static bool Paused() => GCSettings.LatencyMode == GCLatencyMode.NoGCRegion;

    [Fact]
    public void The_body_runs_paused_and_the_pause_ends_after_it()
    {
        Assert.True(CollectionPause.Run(Paused));
        Assert.False(Paused());
    }

    [Fact]
    public void A_pause_inside_a_pause_keeps_the_outer_one()
    {
        var (inner, outerAfterInner) = CollectionPause.Run(() =>
        {
            bool inner = CollectionPause.Run(Paused);
            return (inner, Paused());
        });
        Assert.True(inner);
        Assert.True(outerAfterInner);
        Assert.False(Paused());
    }

    [Fact]
    public void A_body_that_throws_ends_the_pause()
    {
        var failure = Assert.Throws<InvalidOperationException>(() =>
            CollectionPause.Run(() => throw new InvalidOperationException("step failed")));
        Assert.Equal("step failed", failure.Message);
        Assert.False(Paused());
        Assert.True(CollectionPause.Run(Paused));
    }
}
