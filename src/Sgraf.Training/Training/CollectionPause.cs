using System.Runtime;

namespace Sgraf.Training.Training;

/// <summary>
/// Runs torch work with garbage collection paused. TorchSharp 0.107 passes temporary Scalars to native code by handle
/// without keeping them alive (<c>add_(t)</c> makes an implicit alpha of 1, Adam's <c>add_(eps)</c> too); a collection
/// during the call can finalize one and free it while libtorch reads it, and c10's "toFloat" check then fails on a
/// garbage value. CI saw it once in Adam.step, and a Flickr8k SAF training once in a worker's gradient sum
/// (THSTensor_add_ in ColumnGradients) after hours of steps. With no collection during a training step — gradients
/// and update — nothing is finalized early. The pause is process-wide, so steps of trainers running side by side
/// (tests) take turns; a pause inside a pause is the outer one.
/// </summary>
internal static class CollectionPause
{
    // Far more than a step allocates (0.5-0.8 MB for SGR, 2.3-2.6 MB for SAF at the Flickr8k recipe's sizes, measured
    // with GC.GetTotalAllocatedBytes); other threads share it meanwhile, and going past it only ends the pause early.
    const long Budget = 64L << 20;

    // Lock is re-entrant: a pause taken inside a pause on the same thread finds the region already open.
    static readonly Lock Gate = new();

    public static T Run<T>(Func<T> body)
    {
        lock (Gate)
        {
            if (GCSettings.LatencyMode == GCLatencyMode.NoGCRegion) return body();
            bool paused = GC.TryStartNoGCRegion(Budget);
            try
            {
                return body();
            }
            finally
            {
                // Other threads may have allocated past the budget, which ends the pause with a collection.
                if (paused && GCSettings.LatencyMode == GCLatencyMode.NoGCRegion) GC.EndNoGCRegion();
            }
        }
    }

    public static void Run(Action body) => Run(() => { body(); return 0; });
}
