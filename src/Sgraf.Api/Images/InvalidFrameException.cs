namespace Sgraf.Api.Images;

/// <summary>
/// A frame of POST /images/import that cannot be imported: its index in the body, the byte it starts at, and what is
/// wrong, by path (<c>frames[3]</c>, <c>frames[3].id</c>, <c>frames[3].regions[12][904]</c>).
/// </summary>
public sealed class InvalidFrameException(int frame, long offset, IDictionary<string, string[]> errors)
    : Exception($"frames[{frame}] at byte {offset}: " + string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")))
{
    public int Frame { get; } = frame;

    public long Offset { get; } = offset;

    public IDictionary<string, string[]> Errors { get; } = errors;
}
