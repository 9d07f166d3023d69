using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Sgraf.Training.Model;

/// <summary>
/// The precision of a model's large matrix products. Float32 unless switched to bfloat16 (<see cref="Use"/>): then
/// each product's inputs are rounded to bfloat16 and multiplied with float32 sums (oneDNN, which runs them on the
/// AVX-512 BF16 or AMX units of CPUs that have them), and the result goes on in float32. Norms, softmaxes, the loss,
/// the weights and Adam stay float32. An opt-in for training speed: scores differ from float32 ones by about 1e-3.
/// </summary>
public sealed class ProductPrecision
{
    /// <summary>Whether products are taken in bfloat16 now.</summary>
    public bool BFloat16 { get; private set; }

    /// <summary>Products in bfloat16 until the returned scope is disposed, if <paramref name="bfloat16"/>.</summary>
    public IDisposable Use(bool bfloat16)
    {
        var previous = BFloat16;
        BFloat16 = bfloat16;
        return new Restore(() => BFloat16 = previous);
    }

    /// <summary><paramref name="layer"/> applied to <paramref name="input"/>; the bias is added in float32.</summary>
    public Tensor Linear(Linear layer, Tensor input) =>
        BFloat16 ? Linear(input, layer.weight!, layer.bias) : layer.call(input);

    /// <summary>input · weightᵀ + bias, the product in the current precision.</summary>
    public Tensor Linear(Tensor input, Tensor weight, Tensor? bias)
    {
        if (!BFloat16) return functional.linear(input, weight, bias);
        var product = functional.linear(input.to(ScalarType.BFloat16), weight.to(ScalarType.BFloat16)).to(ScalarType.Float32);
        return bias is null ? product : product.add(bias);
    }

    public Tensor Matmul(Tensor left, Tensor right) =>
        BFloat16 ? left.to(ScalarType.BFloat16).matmul(right.to(ScalarType.BFloat16)).to(ScalarType.Float32) : left.matmul(right);

    public Tensor Bmm(Tensor left, Tensor right) =>
        BFloat16 ? left.to(ScalarType.BFloat16).bmm(right.to(ScalarType.BFloat16)).to(ScalarType.Float32) : left.bmm(right);

    sealed class Restore(Action restore) : IDisposable
    {
        public void Dispose() => restore();
    }
}
