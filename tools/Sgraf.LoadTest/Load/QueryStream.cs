namespace Sgraf.LoadTest.Load;

/// <summary>
/// Hands the benchmark's sentences to concurrent clients in turn, starting over when they run out. One stream serves
/// every measurement of a run, so a later measurement does not send what the service has already cached.
/// </summary>
internal sealed class QueryStream(IReadOnlyList<string> sentences)
{
    long handedOut;

    /// <summary>Sentences handed out so far; beyond the number of sentences, some were repeats.</summary>
    public long HandedOut => Interlocked.Read(ref handedOut);

    public int Count => sentences.Count;

    public string[] Next(int count)
    {
        long end = Interlocked.Add(ref handedOut, count);
        var queries = new string[count];
        for (int q = 0; q < count; q++) queries[q] = sentences[(int)((end - count + q) % sentences.Count)];
        return queries;
    }
}
