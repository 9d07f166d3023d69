using static TorchSharp.torch;

namespace Sgraf.Training.Training;

/// <summary>
/// Runs pieces of a training step side by side on .NET threads, each with one torch intra-op thread. The per-pair
/// work of a step is many small, independent pieces (a caption's column, a group of captions): side by side they
/// keep both cores busy, where one piece on two intra-op threads leaves them idle between small kernels. Torch's
/// thread count is per thread (OpenMP and MKL settings are thread-local), so the calling thread's is restored after.
/// Each work item runs in its own dispose scope.
/// </summary>
internal static class TorchWorkers
{
    /// <summary>Item k runs on worker k mod <paramref name="workers"/>, in increasing k: the same split every time, so
    /// what a worker accumulates, and in which order, does not depend on timing.</summary>
    public static void Partitioned(int workers, int items, Action<int, int> body)
    {
        workers = Math.Clamp(workers, 1, Math.Max(1, items));
        if (workers == 1)
        {
            for (int k = 0; k < items; k++) InScope(() => body(0, k));
            return;
        }
        Run(workers, w =>
        {
            for (int k = w; k < items; k += workers) InScope(() => body(w, k));
        });
    }

    /// <summary>Items go to whichever worker is free: for work whose results do not depend on which thread runs it.</summary>
    public static void Shared(int workers, int items, Action<int> body)
    {
        workers = Math.Clamp(workers, 1, Math.Max(1, items));
        if (workers == 1)
        {
            for (int k = 0; k < items; k++) InScope(() => body(k));
            return;
        }
        int next = -1;
        Run(workers, _ =>
        {
            for (int k = Interlocked.Increment(ref next); k < items; k = Interlocked.Increment(ref next)) InScope(() => body(k));
        });
    }

    static void InScope(Action body)
    {
        using var scope = NewDisposeScope();
        body();
    }

    static void Run(int workers, Action<int> worker)
    {
        int callerThreads = get_num_threads();
        bool gradients = is_grad_enabled();
        var failures = new Exception?[workers];
        var threads = Enumerable.Range(0, workers).Select(w => new Thread(() =>
        {
            try
            {
                set_num_threads(1);
                using var _ = enable_grad(gradients);
                worker(w);
            }
            catch (Exception e)
            {
                failures[w] = e;
            }
        }) { IsBackground = true, Name = $"torch worker {w}" }).ToArray();
        foreach (var thread in threads) thread.Start();
        foreach (var thread in threads) thread.Join();
        // set_num_threads also sets the default new threads start from; the caller keeps what it had.
        set_num_threads(callerThreads);
        var failed = failures.Where(f => f is not null).ToArray();
        if (failed.Length > 0) throw new AggregateException("a torch worker failed", failed!);
    }
}
