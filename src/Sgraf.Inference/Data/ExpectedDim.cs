namespace Sgraf.Inference.Data;

/// <summary>
/// One axis of the shape a caller expects from a .npy file: either a fixed size (<c>36</c>) or a name for a
/// size the caller learns from the file (<c>"N"</c>). Both convert implicitly, so a shape reads as
/// <c>NpyReader.ReadFloat32(path, "N", 36, "D")</c>. A name used twice must have the same size both times.
/// </summary>
public readonly record struct ExpectedDim
{
    ExpectedDim(int? size, string? name) => (Size, Name) = (size, name);

    /// <summary>The required size, or null when any size is accepted.</summary>
    public int? Size { get; }

    /// <summary>How the axis is called in error messages when its size is free.</summary>
    public string? Name { get; }

    public static implicit operator ExpectedDim(int size) => new(size, null);
    public static implicit operator ExpectedDim(string name) => new(null, name);

    public override string ToString() => Size?.ToString() ?? Name ?? "?";

    /// <summary>True when <paramref name="actual"/> fits <paramref name="expected"/>, names agreeing with each other.</summary>
    public static bool Matches(ReadOnlySpan<ExpectedDim> expected, IReadOnlyList<int> actual)
    {
        if (expected.Length != actual.Count) return false;
        var named = new Dictionary<string, int>();
        for (var axis = 0; axis < expected.Length; axis++)
        {
            var dim = expected[axis];
            if (dim.Size is { } size ? size != actual[axis] : !SameAsBefore(named, dim.Name ?? "", actual[axis])) return false;
        }
        return true;
    }

    static bool SameAsBefore(Dictionary<string, int> named, string name, int size) =>
        named.TryAdd(name, size) || named[name] == size;

    /// <summary>Python's way of writing a shape: <c>(20, 36, 64)</c>, <c>(5,)</c>, <c>()</c>.</summary>
    public static string Format<T>(IReadOnlyList<T> dims) =>
        dims.Count == 1 ? $"({dims[0]},)" : "(" + string.Join(", ", dims) + ")";
}
