namespace Sgraf.Inference.Data;

/// <summary>
/// Features are finite: a NaN or an infinity in one image's regions changes every score it takes part in (and through
/// normalisation, the image's every region) without a word, so every reader refuses it, naming where it is.
/// </summary>
public static class FiniteValues
{
    /// <summary>The index of the first NaN or infinite value, or -1 when all are finite.</summary>
    public static int FirstNonFinite(ReadOnlySpan<float> values) => values.IndexOfAnyExceptInRange(float.MinValue, float.MaxValue);

    /// <summary>
    /// Throws when <paramref name="values"/>, the elements of <paramref name="path"/>'s array of <paramref name="shape"/>
    /// from flat index <paramref name="offset"/> on, hold a value that is not finite, naming the file, the row (first axis)
    /// and the element's full index.
    /// </summary>
    /// <exception cref="InvalidInputException">A value is NaN or infinite.</exception>
    public static void Check(ReadOnlySpan<float> values, string path, IReadOnlyList<int> shape, long offset = 0)
    {
        int bad = FirstNonFinite(values);
        if (bad < 0) return;
        long flat = offset + bad;
        var index = new long[shape.Count];
        for (int axis = shape.Count - 1; axis >= 0; axis--)
        {
            int size = Math.Max(1, shape[axis]);
            index[axis] = flat % size;
            flat /= size;
        }
        throw InvalidInputException.InFile(path,
            FormattableString.Invariant($"row {index[0]} holds {values[bad]} at [{string.Join("][", index)}]; features must be finite (no NaN or Infinity)"));
    }
}
