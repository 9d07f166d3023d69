using Sgraf.Inference.Model;
using Sgraf.Training.Checkpoints;

namespace Sgraf.Training.Tests.Checkpoints;

/// <summary>Configs and random weights for checkpoint tests.</summary>
internal static class TestWeights
{
    /// <summary>The fixture's tiny dimensions (spec §17).</summary>
    public static SgrafConfig Small(SimilarityModule module = SimilarityModule.SGR) => new()
    {
        Module = module, VocabSize = 44, ImgDim = 64, WordDim = 16, EmbedSize = 48, SimDim = 24,
    };

    /// <summary>The official defaults (spec §1) with the F30K vocabulary size.</summary>
    public static SgrafConfig Default(SimilarityModule module) => new()
    {
        Module = module, VocabSize = 8481, ImgDim = 2048, WordDim = 300, EmbedSize = 1024, SimDim = 256,
    };

    /// <summary>Every tensor <see cref="ParameterLayout"/> expects, filled with seeded random values.</summary>
    public static ModelWeights Random(SgrafConfig config, int seed = 1)
    {
        var random = new Random(seed);
        var parts = Enum.GetValues<StateDictPart>().ToDictionary(p => p, _ => new OrderedDictionary<string, HostTensor>());
        foreach (var spec in ParameterLayout.ExpectedParameters(config))
            parts[spec.Part][spec.Key] = RandomTensor(random, spec.DType, spec.Shape);
        return new ModelWeights(parts[StateDictPart.ImageEncoder], parts[StateDictPart.TextEncoder], parts[StateDictPart.Similarity]);
    }

    public static HostTensor RandomTensor(Random random, TensorDType dtype, long[] shape)
    {
        var count = shape.Aggregate(1L, (a, b) => a * b);
        return dtype == TensorDType.Int64
            ? HostTensor.FromInt64(shape, Enumerable.Range(0, (int)count).Select(_ => random.NextInt64(0, 100_000)).ToArray())
            : HostTensor.FromFloat32(shape, Enumerable.Range(0, (int)count).Select(_ => random.NextSingle() * 2 - 1).ToArray());
    }

    /// <summary>The same weights with one part's dictionary changed.</summary>
    public static ModelWeights With(this ModelWeights weights, StateDictPart part, Action<OrderedDictionary<string, HostTensor>> change)
    {
        var parts = Enum.GetValues<StateDictPart>().ToDictionary(p => p, p => new OrderedDictionary<string, HostTensor>(weights.Part(p)));
        change(parts[part]);
        return new ModelWeights(parts[StateDictPart.ImageEncoder], parts[StateDictPart.TextEncoder], parts[StateDictPart.Similarity]);
    }

    public static void AssertSameTensors(ModelWeights expected, ModelWeights actual)
    {
        foreach (var part in Enum.GetValues<StateDictPart>())
        {
            Assert.Equal(expected.Part(part).Keys, actual.Part(part).Keys);
            foreach (var (key, tensor) in expected.Part(part))
                Assert.True(tensor.ContentEquals(actual.Part(part)[key]), $"{part.Prefix()}.{key} differs");
        }
    }
}
