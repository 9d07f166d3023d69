using System.Text.Json;
using Sgraf.Inference;
using Sgraf.Inference.Model;
using Sgraf.TestSupport;
using Sgraf.Training.Checkpoints;

namespace Sgraf.Training.Tests.Checkpoints;

public sealed class ModelCheckpointTests : IDisposable
{
    readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Theory]
    [InlineData("SGR")]
    [InlineData("SAF")]
    public void An_imported_official_checkpoint_saves_and_loads_with_identical_weights(string module)
    {
        var official = OfficialCheckpoint.Load(OfficialFixture.Checkpoint(module));
        var importedAt = new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero);

        ModelCheckpoint.FromOfficial(official, importedAt).Save(temp.Path);
        var loaded = ModelCheckpoint.Load(temp.Path);

        Assert.Equal(official.Config, loaded.Config);
        TestWeights.AssertSameTensors(official.Weights, loaded.Weights);
        Assert.NotNull(loaded.Provenance);
        Assert.Equal(Path.GetFullPath(OfficialFixture.Checkpoint(module)), loaded.Provenance.SourceFile);
        Assert.Equal("torch.save zip", loaded.Provenance.SourceFormat);
        Assert.Equal(7, loaded.Provenance.Epoch);
        Assert.Equal(official.BestRsum, loaded.Provenance.BestRsum);
        Assert.Equal(importedAt, loaded.Provenance.ImportedAt);
    }

    [Fact]
    public void Config_json_uses_the_official_option_names()
    {
        var config = TestWeights.Small(SimilarityModule.SAF);
        new ModelCheckpoint(config, TestWeights.Random(config)).Save(temp.Path);

        using var json = JsonDocument.Parse(File.ReadAllText(temp.File(ModelCheckpoint.ConfigFileName)));

        Assert.Equal("SAF", json.RootElement.GetProperty("module_name").GetString());
        Assert.Equal(44, json.RootElement.GetProperty("vocab_size").GetInt32());
        Assert.True(json.RootElement.GetProperty("bi_gru").GetBoolean());
        Assert.False(json.RootElement.TryGetProperty("provenance", out _));
    }

    [Fact]
    public void Safetensors_names_tensors_with_their_part_prefix_and_standard_dtypes()
    {
        var config = TestWeights.Small();
        new ModelCheckpoint(config, TestWeights.Random(config)).Save(temp.Path);
        var bytes = File.ReadAllBytes(temp.File(ModelCheckpoint.WeightsFileName));
        var headerLength = (int)BitConverter.ToUInt64(bytes);

        using var header = JsonDocument.Parse(bytes.AsMemory(8, headerLength));

        Assert.Equal(0, (8 + headerLength) % 8);
        var fc = header.RootElement.GetProperty("img_enc.fc.weight");
        Assert.Equal("F32", fc.GetProperty("dtype").GetString());
        Assert.Equal([48, 64], fc.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()));
        Assert.Equal("I64", header.RootElement.GetProperty("sim_enc.v_global_w.embedding_local.1.num_batches_tracked").GetProperty("dtype").GetString());
        Assert.True(header.RootElement.TryGetProperty("__metadata__", out _));
    }

    [Fact]
    public void Safetensors_round_trips_every_dtype_and_scalars()
    {
        var random = new Random(5);
        var tensors = new OrderedDictionary<string, HostTensor>();
        foreach (var dtype in Enum.GetValues<TensorDType>())
        {
            var bytes = new byte[6 * dtype.ElementSize()];
            random.NextBytes(bytes);
            tensors[dtype.ToString()] = new HostTensor(dtype, [2, 3], bytes);
        }
        tensors["scalar"] = HostTensor.FromInt64([], [42]);
        tensors["empty"] = HostTensor.FromFloat32([0, 4], []);
        var path = temp.File("all.safetensors");

        Safetensors.Write(path, tensors, new Dictionary<string, string> { ["note"] = "test" });
        var read = Safetensors.Read(path);

        Assert.Equal(tensors.Keys, read.Tensors.Keys);
        foreach (var (name, tensor) in tensors) Assert.True(tensor.ContentEquals(read.Tensors[name]), name);
        Assert.Equal("test", read.Metadata["note"]);
    }

    [Fact]
    public void A_truncated_weights_file_is_reported()
    {
        var path = SavedWeights();
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length - 100)]);

        AssertInvalid(path, "outside the", () => ModelCheckpoint.Load(temp.Path));
    }

    [Fact]
    public void A_weights_file_cut_inside_its_header_is_reported()
    {
        var path = SavedWeights();
        File.WriteAllBytes(path, File.ReadAllBytes(path)[..200]);

        AssertInvalid(path, "runs past the end", () => ModelCheckpoint.Load(temp.Path));
    }

    [Theory]
    [InlineData("{\"x\": 1", "not valid JSON")]
    [InlineData("[1, 2]", "not a JSON object")]
    [InlineData("{\"a\": {\"dtype\": \"F33\", \"shape\": [1], \"data_offsets\": [0, 4]}}", "unsupported dtype 'F33'")]
    [InlineData("{\"a\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 4]}}", "spans 4 bytes but Float32 shape [2] needs 8")]
    [InlineData("{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 4]}, \"b\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [2, 6]}}", "overlap")]
    [InlineData("{\"a\": {\"dtype\": \"F32\", \"data_offsets\": [0, 4]}}", "'a' lacks a valid dtype, shape or data_offsets")]
    public void A_corrupt_safetensors_header_is_reported(string header, string phrase)
    {
        var path = temp.File("corrupt.safetensors");
        var json = System.Text.Encoding.UTF8.GetBytes(header);
        File.WriteAllBytes(path, [.. BitConverter.GetBytes((ulong)json.Length), .. json, .. new byte[8]]);

        AssertInvalid(path, phrase, () => Safetensors.Read(path));
    }

    [Fact]
    public void Weights_that_do_not_fit_config_json_are_reported()
    {
        var config = TestWeights.Small();
        new ModelCheckpoint(config, TestWeights.Random(config)).Save(temp.Path);
        var configPath = temp.File(ModelCheckpoint.ConfigFileName);
        File.WriteAllText(configPath, File.ReadAllText(configPath).Replace("\"sim_dim\": 24", "\"sim_dim\": 32"));

        AssertInvalid(temp.File(ModelCheckpoint.WeightsFileName), "sim_enc 'sim_tranloc_w.weight' has shape [24, 48] but [32, 48] is expected from embed_size, sim_dim",
            () => ModelCheckpoint.Load(temp.Path));
    }

    [Fact]
    public void A_config_json_without_a_required_field_is_reported()
    {
        var config = TestWeights.Small();
        new ModelCheckpoint(config, TestWeights.Random(config)).Save(temp.Path);
        var configPath = temp.File(ModelCheckpoint.ConfigFileName);
        File.WriteAllText(configPath, "{\"module_name\": \"SGR\"}");

        AssertInvalid(configPath, "not a valid model config: $: lacks required members vocab_size, img_dim", () => ModelCheckpoint.Load(temp.Path));
        Assert.DoesNotContain("Sgraf.", Assert.Throws<InvalidInputException>(() => ModelCheckpoint.Load(temp.Path)).Message);
    }

    [Fact]
    public void Saving_weights_that_do_not_fit_the_config_writes_nothing()
    {
        var config = TestWeights.Small();
        var weights = TestWeights.Random(config).With(StateDictPart.ImageEncoder, d => d.Remove("fc.bias"));
        var target = temp.File("out");

        AssertInvalid(target, "img_enc 'fc.bias' is missing", () => new ModelCheckpoint(config, weights).Save(target));
        Assert.False(Directory.Exists(target));
    }

    string SavedWeights()
    {
        var config = TestWeights.Small();
        new ModelCheckpoint(config, TestWeights.Random(config)).Save(temp.Path);
        return temp.File(ModelCheckpoint.WeightsFileName);
    }

    static void AssertInvalid(string path, string phrase, Action action)
    {
        var error = Assert.Throws<InvalidInputException>(action);
        Assert.StartsWith(path, error.Message);
        Assert.Contains(phrase, error.Message);
    }
}
