using System.Text.Json;
using Sgraf.Inference.Model;
using Sgraf.TestSupport;
using Sgraf.Training.Checkpoints;

namespace Sgraf.Training.Tests.Checkpoints;

public class OfficialCheckpointTests
{
    static readonly JsonDocument Layout = JsonDocument.Parse(File.ReadAllText(OfficialFixture.Expected("checkpoint_layout.json")));

    public static TheoryData<string, bool> Fixtures => new() { { "SGR", false }, { "SGR", true }, { "SAF", false }, { "SAF", true } };

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Every_tensor_has_the_key_shape_and_dtype_the_official_code_saved(string module, bool legacy)
    {
        var checkpoint = OfficialCheckpoint.Load(OfficialFixture.Checkpoint(module, legacy));

        var expectedParts = Layout.RootElement.GetProperty(module).GetProperty("model").EnumerateArray().ToList();
        Assert.Equal(3, expectedParts.Count);
        foreach (var part in Enum.GetValues<StateDictPart>())
        {
            var expected = expectedParts[(int)part].EnumerateArray()
                .Select(e => (e.GetProperty("key").GetString()!,
                              HostTensor.FormatShape(e.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64())),
                              e.GetProperty("dtype").GetString()!))
                .ToList();
            var actual = checkpoint.Weights.Part(part)
                .Select(kv => (kv.Key, HostTensor.FormatShape(kv.Value.Shape), TorchName(kv.Value.DType)))
                .ToList();
            Assert.Equal(expected, actual);
        }
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Options_equal_the_saved_opt_and_give_the_config(string module, bool legacy)
    {
        var checkpoint = OfficialCheckpoint.Load(OfficialFixture.Checkpoint(module, legacy));

        var expectedOpt = Layout.RootElement.GetProperty(module).GetProperty("opt");
        Assert.Equal(expectedOpt.EnumerateObject().Select(p => p.Name), checkpoint.Options.Keys);
        foreach (var property in expectedOpt.EnumerateObject())
        {
            object? expected = property.Value.ValueKind switch
            {
                JsonValueKind.String => property.Value.GetString(),
                JsonValueKind.True or JsonValueKind.False => property.Value.GetBoolean(),
                JsonValueKind.Number when property.Value.TryGetInt64(out var integer) && !property.Value.GetRawText().Contains('.') => integer,
                JsonValueKind.Number => property.Value.GetDouble(),
                _ => throw new InvalidOperationException(property.Name),
            };
            Assert.Equal(expected, checkpoint.Options[property.Name]);
        }

        var expectedConfig = new SgrafConfig
        {
            Module = Enum.Parse<SimilarityModule>(module),
            VocabSize = 44, ImgDim = 64, WordDim = 16, EmbedSize = 48, SimDim = 24,
            SgrStep = 3, NumLayers = 1, BiGru = true, NoImgNorm = false, NoTxtNorm = false,
        };
        Assert.Equal(expectedConfig, checkpoint.Config);
        Assert.Equal(legacy ? TorchSaveFormat.Legacy : TorchSaveFormat.Zip, checkpoint.Format);
        Assert.Equal(7, checkpoint.Epoch);
        Assert.Equal(4321, checkpoint.Iterations);
        Assert.NotNull(checkpoint.BestRsum);
    }

    [Theory]
    [InlineData("SGR")]
    [InlineData("SAF")]
    public void Zip_and_legacy_files_hold_bit_identical_tensors(string module)
    {
        var zip = OfficialCheckpoint.Load(OfficialFixture.Checkpoint(module));
        var legacy = OfficialCheckpoint.Load(OfficialFixture.Checkpoint(module, legacy: true));

        var zipTensors = zip.Weights.Flatten().ToList();
        var legacyTensors = legacy.Weights.Flatten().ToDictionary();
        Assert.Equal(zipTensors.Count, legacyTensors.Count);
        foreach (var (name, tensor) in zipTensors)
            Assert.True(tensor.ContentEquals(legacyTensors[name]), name);
        Assert.Equal(zip.BestRsum, legacy.BestRsum);
    }

    [Fact]
    public void Tensor_values_are_real_weights_not_zeros()
    {
        var checkpoint = OfficialCheckpoint.Load(OfficialFixture.Checkpoint("SGR"));

        var fc = checkpoint.Weights.ImageEncoder["fc.weight"].ToFloat32();
        Assert.Equal(48 * 64, fc.Length);
        Assert.Contains(fc, v => v != 0);
        Assert.All(fc, v => Assert.True(float.IsFinite(v)));
        var tracked = checkpoint.Weights.Similarity["v_global_w.embedding_local.1.num_batches_tracked"];
        Assert.Equal(TensorDType.Int64, tracked.DType);
        Assert.Empty(tracked.Shape);
        Assert.Single(tracked.ToInt64());
    }

    static string TorchName(TensorDType dtype) => dtype switch
    {
        TensorDType.Float32 => "torch.float32",
        TensorDType.Int64 => "torch.int64",
        _ => dtype.ToString(),
    };
}
