using System.Runtime;
using static TorchSharp.torch;

namespace Sgraf.Training.Training;

/// <summary>
/// Runs an optimizer step with garbage collection paused. TorchSharp 0.107's optimizers pass temporary Scalars to
/// native code by handle without keeping them alive (Adam's <c>add_(eps)</c> makes an implicit alpha of 1); a
/// collection during the call can finalize one and free it while libtorch reads it. CI saw exactly that: Adam.step →
/// THSTensor_add_scalar_ → c10 "toFloat" check failing on the alpha (a garbage value that overflows float), once in a
/// full test run with other tests allocating alongside. With no collection during the step, nothing is finalized
/// early. The pause is process-wide, so steps of trainers running side by side (tests) take turns.
/// </summary>
internal static class OptimizerStep
{
    // Far more than a step allocates (a few tensor wrappers per parameter); other threads share it meanwhile.
    const long Budget = 64L << 20;

    static readonly Lock Gate = new();

    public static void Run(optim.Optimizer optimizer)
    {
        lock (Gate)
        {
            bool paused = GC.TryStartNoGCRegion(Budget);
            try
            {
                optimizer.step();
            }
            finally
            {
                // Other threads may have allocated past the budget, which ends the pause with a collection.
                if (paused && GCSettings.LatencyMode == GCLatencyMode.NoGCRegion) GC.EndNoGCRegion();
            }
        }
    }
}
