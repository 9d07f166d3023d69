namespace Sgraf.Inference.Data;

/// <summary>An n-dimensional array as a .npy file holds it: a shape and its elements in row-major (C) order.</summary>
public sealed class NpyArray<T> where T : unmanaged
{
    public NpyArray(IReadOnlyList<int> shape, T[] data)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(data);
        long count = 1;
        foreach (var dim in shape)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(dim, nameof(shape));
            count *= dim;
        }
        if (count != data.Length)
            throw new ArgumentException($"shape {ExpectedDim.Format(shape)} holds {count} elements but data has {data.Length}", nameof(data));
        Shape = [.. shape];
        Data = data;
    }

    public IReadOnlyList<int> Shape { get; }

    /// <summary>The elements, last axis fastest; shared, not copied.</summary>
    public T[] Data { get; }

    public int Rank => Shape.Count;

    public override string ToString() => $"{typeof(T).Name} {ExpectedDim.Format(Shape)}";
}
