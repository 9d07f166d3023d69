using Sgraf.Inference.Model;
using Sgraf.Training.Model;
using Sgraf.Training.Training;
using static TorchSharp.torch;

namespace Sgraf.Training.Tests.Training;

/// <summary>
/// The opt-in bfloat16 products (<see cref="ProductPrecision"/>): a training step's loss and gradients stay close to
/// the float32 ones, but are not them; and the CPU check reads /proc/cpuinfo's flags. oneDNN emulates bfloat16 on CPUs
/// without it, so the numerical test runs anywhere.
/// </summary>
[Collection(SeededTrainingCollection.Name)]
public sealed class BFloat16Tests
{
    [Theory]
    [InlineData(SimilarityModule.SGR)]
    [InlineData(SimilarityModule.SAF)]
    public void A_bfloat16_step_is_close_to_the_float32_step(SimilarityModule module)
    {
        var config = new SgrafConfig { Module = module, VocabSize = 40, ImgDim = 64, WordDim = 16, EmbedSize = 96, SimDim = 32 };
        using var _ = NewDisposeScope();
        var (lossFloat, gradientsFloat) = Gradients(config, bfloat16: false);
        var (lossBFloat, gradientsBFloat) = Gradients(config, bfloat16: true);

        Assert.True(Math.Abs(lossBFloat - lossFloat) <= 0.02 * lossFloat, $"loss {lossBFloat} vs float32 {lossFloat}");
        var a = cat(gradientsFloat.Select(g => g.flatten()).ToArray());
        var b = cat(gradientsBFloat.Select(g => g.flatten()).ToArray());
        var cosine = a.dot(b).item<float>() / (a.norm().item<float>() * b.norm().item<float>());
        // Not closer: scores ~1e-3 apart can swap which negative is hardest, which moves that caption's whole gradient
        // (SGR here: 0.974).
        Assert.True(cosine > 0.95, $"gradient cosine {cosine}");
        Assert.False(a.eq(b).all().item<bool>(), "the bfloat16 step computed exactly the float32 gradients: were its products float32?");
    }

    [Fact]
    public void The_CPU_check_reads_the_flags_line()
    {
        Assert.True(BFloat16Support.Detect(["processor\t: 0", "flags\t\t: fpu sse avx512f avx512_bf16 avx512_vnni"]));
        Assert.True(BFloat16Support.Detect(["flags\t\t: fpu amx_bf16 amx_tile"]));
        Assert.False(BFloat16Support.Detect(["flags\t\t: fpu sse avx2 avx512f", "bugs\t\t: avx512_bf16"]));
        Assert.False(BFloat16Support.Detect(["processor\t: 0"]));
    }

    static (double Loss, Tensor[] Gradients) Gradients(SgrafConfig config, bool bfloat16)
    {
        manual_seed(3);
        var model = new SgrafModel(config);
        using (no_grad()) model.state_dict()["sim_enc.sim_eval_w.weight"].mul_(5.0);
        model.train();
        model.SetDropout(0);
        var images = rand(10, SgrafConfig.Regions, config.ImgDim);
        var lengths = new long[] { 5, 7, 4, 6, 5, 8, 3, 6, 7, 5 };
        var random = new Random(4);
        var (ids, lengthTensor) = TokenBatch.Pad(lengths.Select(l => Enumerable.Range(0, (int)l).Select(_ => random.Next(4, config.VocabSize)).ToArray()).ToArray());
        double loss;
        using (model.Products.Use(bfloat16))
            loss = FastGradients.Backward(model, new TrainingBatch(images, ids, lengthTensor, lengths), margin: 0.2, maxViolation: true, workers: 1);
        return (loss, model.parameters().Where(p => p.grad is not null).Select(p => p.grad!.clone()).ToArray());
    }
}
