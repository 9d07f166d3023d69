using Sgraf.Api.Gallery;

namespace Sgraf.Api.Tests.Gallery.Redis;

/// <summary>The apply callback of one replica: every record it was handed, in order.</summary>
internal sealed class GalleryRecorder
{
    private readonly List<GalleryRecord> _records = [];
    private int _applying;
    private int _overlaps;

    /// <summary>How many applies ran while another was still running; the store promises none.</summary>
    public int Overlaps => Volatile.Read(ref _overlaps);

    public List<string> Ids
    {
        get { lock (_records) return _records.Select(r => r.Id).ToList(); }
    }

    public void Apply(IReadOnlyList<GalleryRecord> records)
    {
        if (Interlocked.Increment(ref _applying) != 1) Interlocked.Increment(ref _overlaps);
        Thread.Sleep(1); // widens the window in which an overlapping apply would be seen
        lock (_records) _records.AddRange(records);
        Interlocked.Decrement(ref _applying);
    }

    public GalleryRecord Last(string id)
    {
        lock (_records) return _records.Last(r => r.Id == id);
    }

    /// <summary>Waits until <paramref name="count"/> records have arrived: other replicas' appends arrive asynchronously.</summary>
    public async Task<List<string>> WaitForAsync(int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (Ids.Count < count && DateTime.UtcNow < deadline) await Task.Delay(20);
        List<string> ids = Ids;
        Assert.True(ids.Count >= count, $"only {ids.Count} of {count} records arrived");
        return ids;
    }
}
