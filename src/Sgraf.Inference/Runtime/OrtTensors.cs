using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Sgraf.Inference.Runtime;

/// <summary>Input tensors in ONNX Runtime's own memory, filled from managed data; the caller disposes them.</summary>
internal static class OrtTensors
{
    public delegate void Fill<T>(Span<T> target);

    public static OrtValue Float(ReadOnlySpan<float> values, long[] shape)
    {
        var tensor = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, TensorElementType.Float, shape);
        values.CopyTo(tensor.GetTensorMutableDataAsSpan<float>());
        return tensor;
    }

    /// <summary>A zero-filled float tensor that <paramref name="fill"/> writes into.</summary>
    public static OrtValue Float(long[] shape, Fill<float> fill) => Allocate(TensorElementType.Float, shape, fill);

    /// <summary>
    /// A float tensor that <paramref name="fill"/> writes every element of: not zeroed first, because for the large
    /// region tensors of a rerank the clearing would cost about as much as the copy.
    /// </summary>
    public static OrtValue Filled(long[] shape, Fill<float> fill)
    {
        var tensor = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, TensorElementType.Float, shape);
        fill(tensor.GetTensorMutableDataAsSpan<float>());
        return tensor;
    }

    /// <summary>A zero-filled int64 tensor that <paramref name="fill"/> writes into.</summary>
    public static OrtValue Int64(long[] shape, Fill<long> fill) => Allocate(TensorElementType.Int64, shape, fill);

    static OrtValue Allocate<T>(TensorElementType type, long[] shape, Fill<T> fill) where T : unmanaged
    {
        var tensor = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, type, shape);
        var span = tensor.GetTensorMutableDataAsSpan<T>();
        span.Clear();
        fill(span);
        return tensor;
    }
}
