using Sgraf.Inference;

namespace Sgraf.Training.Checkpoints.Pickle;

/// <summary>
/// Replaces every <see cref="TensorReference"/> in an unpickled object graph by a contiguous <see cref="HostTensor"/>,
/// once all storages have their bytes. A tensor that is a strided view (cuDNN packs all GRU weights into one flat
/// buffer, so each weight is a slice of it) is copied element by element honouring its offset and strides.
/// </summary>
internal static class TensorMaterializer
{
    // A checkpoint is a few levels deep; a limit keeps a hostile pickle from overflowing the stack.
    const int MaxDepth = 100;

    public static object? Materialize(string path, object? root)
    {
        var tensors = new Dictionary<TensorReference, HostTensor>(ReferenceEqualityComparer.Instance);
        var visited = new HashSet<object>(ReferenceEqualityComparer.Instance);
        return Resolve(root, 0);

        object? Resolve(object? value, int depth)
        {
            if (depth > MaxDepth) throw InvalidInputException.InFile(path, $"the saved object nests deeper than {MaxDepth} levels");
            switch (value)
            {
                case TensorReference reference:
                    if (!tensors.TryGetValue(reference, out var tensor)) tensors[reference] = tensor = ToHostTensor(path, reference);
                    return tensor;
                case TorchStorage storage:
                    throw InvalidInputException.InFile(path, $"the checkpoint holds a bare storage ('{storage.Key}') outside any tensor, which is not supported");
                case null or string or long or double or bool:
                    return value;
            }
            if (!visited.Add(value)) return value;
            switch (value)
            {
                case object?[] tuple:
                    for (var i = 0; i < tuple.Length; i++) tuple[i] = Resolve(tuple[i], depth + 1);
                    break;
                case List<object?> list:
                    for (var i = 0; i < list.Count; i++) list[i] = Resolve(list[i], depth + 1);
                    break;
                case OrderedDictionary<object, object?> dict:
                    for (var i = 0; i < dict.Count; i++) dict.SetAt(i, Resolve(dict.GetAt(i).Value, depth + 1));
                    break;
                case Dictionary<string, object?> ns:
                    foreach (var key in ns.Keys.ToList()) ns[key] = Resolve(ns[key], depth + 1);
                    break;
            }
            return value;
        }
    }

    static HostTensor ToHostTensor(string path, TensorReference reference)
    {
        var (storage, offset, shape, strides) = reference;
        var elementSize = storage.DType.ElementSize();
        var (bytes, storageStart, storageCount) = StorageBytes(path, storage);
        long count, last = offset;
        try
        {
            count = HostTensor.CountElements(shape);
            for (var d = 0; d < shape.Length && count > 0; d++) last = checked(last + (shape[d] - 1) * strides[d]);
        }
        catch (OverflowException)
        {
            throw InvalidInputException.InFile(path, $"a tensor of shape {HostTensor.FormatShape(shape)} in storage '{storage.Key}' is impossibly large");
        }
        if (count > 0 && last >= storageCount)
            throw InvalidInputException.InFile(path,
                $"a {storage.DType} tensor of shape {HostTensor.FormatShape(shape)} (offset {offset}, strides {HostTensor.FormatShape(strides)}) " +
                $"reaches element {last} of storage '{storage.Key}', which holds only {storageCount} elements");
        var result = new byte[count * elementSize];
        if (count == 0) return new HostTensor(storage.DType, shape, result);

        if (IsContiguous(shape, strides))
        {
            Array.Copy(bytes, storageStart + offset * elementSize, result, 0, result.LongLength);
            return new HostTensor(storage.DType, shape, result);
        }
        var index = new long[shape.Length];
        for (long i = 0; i < count; i++)
        {
            long source = offset;
            for (var d = 0; d < shape.Length; d++) source += index[d] * strides[d];
            Array.Copy(bytes, storageStart + source * elementSize, result, i * elementSize, elementSize);
            for (var d = shape.Length - 1; d >= 0 && ++index[d] == shape[d]; d--) index[d] = 0;
        }
        return new HostTensor(storage.DType, shape, result);
    }

    /// <summary>The array holding the storage, the byte where it starts there, and its element count.</summary>
    static (byte[] Bytes, long Start, long Count) StorageBytes(string path, TorchStorage storage)
    {
        if (storage.ViewOf is var (root, elementOffset))
        {
            var (bytes, start, count) = StorageBytes(path, root);
            if (elementOffset < 0 || elementOffset + storage.ElementCount > count)
                throw InvalidInputException.InFile(path, $"storage view '{storage.Key}' runs past the end of storage '{root.Key}'");
            return (bytes, start + elementOffset * storage.DType.ElementSize(), storage.ElementCount);
        }
        var data = storage.Data ?? throw InvalidInputException.InFile(path, $"storage '{storage.Key}' has no data");
        return (data, 0, Math.Min(storage.ElementCount, data.LongLength / storage.DType.ElementSize()));
    }

    static bool IsContiguous(long[] shape, long[] strides)
    {
        long expected = 1;
        for (var d = shape.Length - 1; d >= 0; d--)
        {
            if (shape[d] != 1 && strides[d] != expected) return false;
            expected *= shape[d];
        }
        return true;
    }
}
