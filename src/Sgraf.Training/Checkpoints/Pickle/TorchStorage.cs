namespace Sgraf.Training.Checkpoints.Pickle;

/// <summary>A torch storage class named in a pickle (<c>torch.FloatStorage</c>, ...): it only says the element type.</summary>
internal sealed record StorageType(string Name, TensorDType DType);

/// <summary>
/// One storage a pickle refers to by persistent id. Its bytes are attached after unpickling: in the legacy format
/// they follow the pickle, in the zip format they are separate entries. Where it lived when saved ("cpu", "cuda:0")
/// does not matter: everything loads to host memory.
/// </summary>
internal sealed class TorchStorage(string key, TensorDType dtype, long elementCount)
{
    public string Key { get; } = key;
    public TensorDType DType { get; } = dtype;
    public long ElementCount { get; } = elementCount;

    /// <summary>Little-endian elements, at least <see cref="ElementCount"/> of them once attached.</summary>
    public byte[]? Data { get; set; }

    /// <summary>For a legacy storage view: the storage it is a slice of, and the element offset of the slice.</summary>
    public (TorchStorage Root, long Offset)? ViewOf { get; init; }
}

/// <summary>
/// What <c>torch._utils._rebuild_tensor_v2</c> describes: a strided view into a storage. Turned into a contiguous
/// <see cref="HostTensor"/> once the storage's bytes are known.
/// </summary>
internal sealed record TensorReference(TorchStorage Storage, long StorageOffset, long[] Shape, long[] Strides);
