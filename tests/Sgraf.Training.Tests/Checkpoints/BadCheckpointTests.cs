using Sgraf.Inference;
using Sgraf.TestSupport;
using Sgraf.Training.Checkpoints;

namespace Sgraf.Training.Tests.Checkpoints;

/// <summary>Every broken checkpoint is an <see cref="InvalidInputException"/> naming the file and what is wrong.</summary>
public sealed class BadCheckpointTests : IDisposable
{
    readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.99)]
    public void A_truncated_zip_checkpoint_is_reported(double keep)
    {
        var path = Truncated(OfficialFixture.Checkpoint("SGR"), keep);

        AssertInvalid(path, "truncated");
    }

    [Theory]
    [InlineData(2000)] // inside the object pickle
    [InlineData(12_000)] // inside the storage data
    public void A_truncated_legacy_checkpoint_is_reported(int keepBytes)
    {
        var path = temp.File("legacy.pth.tar");
        File.WriteAllBytes(path, File.ReadAllBytes(OfficialFixture.Checkpoint("SGR", legacy: true))[..keepBytes]);

        AssertInvalid(path, "truncated");
    }

    [Fact]
    public void Random_bytes_are_not_a_checkpoint()
    {
        var path = temp.File("random.pth");
        var bytes = new byte[4096];
        new Random(3).NextBytes(bytes);
        bytes[0] = 0x17;
        File.WriteAllBytes(path, bytes);

        AssertInvalid(path, "not a PyTorch checkpoint");
    }

    [Fact]
    public void An_unknown_opcode_is_named_with_its_offset()
    {
        var path = temp.File("opcode.pth");
        var pickle = TorchSaveWriter.Pickle(new List<object?> { 1L });
        pickle[^1] = (byte)'i'; // INST, a protocol 0 opcode that can call anything
        WriteRawPickle(path, [.. pickle, (byte)'.']);

        const int headerPickles = 25; // magic number, protocol version, sys info
        AssertInvalid(path, $"unsupported pickle opcode 'i' (pickle opcode 0x69 at byte {headerPickles + pickle.Length - 1} of the file)");
    }

    [Fact]
    public void A_top_level_list_is_not_an_official_checkpoint()
    {
        var path = temp.File("list.pth");
        new TorchSaveWriter().Write(path, new List<object?> { 1L, "model" });

        AssertInvalid(path, "the saved object is a list, not the dict train.py saves");
    }

    [Fact]
    public void A_global_outside_the_whitelist_is_never_called()
    {
        var path = temp.File("evil.pth");
        new TorchSaveWriter().Write(path, new PyDict([new("model", new PyCall("os", "system", "echo pwned"))]));

        AssertInvalid(path, "the global os.system, which is not allowed");
    }

    [Fact]
    public void Embedding_rows_must_equal_vocab_size()
    {
        var config = TestWeights.Small();
        var weights = TestWeights.Random(config with { VocabSize = 50 });
        var path = temp.File("vocab.pth.tar");
        TorchSaveWriter.WriteCheckpoint(path, config, weights);

        AssertInvalid(path, "txt_enc 'embed.weight' has shape [50, 16] but [44, 16] is expected from vocab_size, word_dim");
    }

    [Fact]
    public void A_missing_reverse_gru_weight_is_reported_with_the_option_that_implies_it()
    {
        var config = TestWeights.Small();
        var weights = TestWeights.Random(config).With(StateDictPart.TextEncoder, d => d.Remove("cap_rnn.bias_hh_l0_reverse"));
        var path = temp.File("missing.pth.tar");
        TorchSaveWriter.WriteCheckpoint(path, config, weights);

        AssertInvalid(path, "txt_enc 'cap_rnn.bias_hh_l0_reverse' is missing (expected shape [144], implied by bi_gru = true");
    }

    [Fact]
    public void An_extra_tensor_is_reported()
    {
        var config = TestWeights.Small();
        var weights = TestWeights.Random(config).With(StateDictPart.Similarity,
            d => d["SGR_module.3.graph_query_w.weight"] = HostTensor.FromFloat32([24, 24], new float[576]));
        var path = temp.File("extra.pth.tar");
        TorchSaveWriter.WriteCheckpoint(path, config, weights);

        AssertInvalid(path, "sim_enc has an unexpected tensor 'SGR_module.3.graph_query_w.weight'");
    }

    [Fact]
    public void A_storage_entry_shorter_than_its_declared_size_is_reported()
    {
        var writer = new TorchSaveWriter();
        var key = writer.AddStorage(new byte[40]);
        var path = temp.File("short.pth");
        writer.Write(path, new PyOrderedDict([new("w", new PyTensor(key, "FloatStorage", 12, "cpu", 0, [12], [1]))]));

        AssertInvalid(path, $"storage '{key}' is truncated: it holds 40 bytes but the pickle declares 12 Float32 elements");
    }

    [Fact]
    public void A_tensor_reaching_past_its_storage_is_reported()
    {
        var writer = new TorchSaveWriter();
        var key = writer.AddStorage(new byte[40]);
        var path = temp.File("view.pth");
        writer.Write(path, new PyOrderedDict([new("w", new PyTensor(key, "FloatStorage", 10, "cuda:0", 4, [2, 4], [4, 1]))]));

        AssertInvalid(path, $"reaches element 11 of storage '{key}', which holds only 10 elements");
    }

    [Fact]
    public void An_opt_without_an_architecture_field_is_reported()
    {
        var config = TestWeights.Small();
        var writer = new TorchSaveWriter();
        var options = TorchSaveWriter.Options(config).Where(kv => kv.Key != "sim_dim").ToList();
        var path = temp.File("opt.pth.tar");
        writer.Write(path, writer.OfficialRoot(options, TestWeights.Random(config)));

        AssertInvalid(path, "opt has no 'sim_dim'");
    }

    [Fact]
    public void A_missing_file_is_reported()
    {
        AssertInvalid(temp.File("absent.pth.tar"), "cannot read the checkpoint");
    }

    [Theory]
    [InlineData("SGR", false)]
    [InlineData("SAF", true)]
    public void Corrupted_bytes_never_escape_as_anything_but_invalid_input(string module, bool legacy)
    {
        var original = File.ReadAllBytes(OfficialFixture.Checkpoint(module, legacy));
        var random = new Random(11);
        var path = temp.File("corrupt.pth.tar");
        for (var trial = 0; trial < 300; trial++)
        {
            var bytes = (byte[])original.Clone();
            // Mostly the pickle (the first ~9 KB in both formats), where a flipped byte changes structure.
            for (var flips = 0; flips < 3; flips++)
                bytes[random.Next(trial % 4 == 0 ? bytes.Length : 9000)] = (byte)random.Next(256);
            File.WriteAllBytes(path, bytes);
            try
            {
                OfficialCheckpoint.Load(path);
            }
            catch (InvalidInputException error)
            {
                Assert.StartsWith(path, error.Message);
            }
        }
    }

    string Truncated(string source, double keep)
    {
        var bytes = File.ReadAllBytes(source);
        var path = temp.File(Path.GetFileName(source));
        File.WriteAllBytes(path, bytes[..(int)(bytes.Length * keep)]);
        return path;
    }

    /// <summary>A legacy-format file whose object pickle is <paramref name="pickle"/>.</summary>
    static void WriteRawPickle(string path, byte[] pickle)
    {
        byte[] magic = [0x80, 2, 0x8a, 10, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, (byte)'.'];
        byte[] protocol = [0x80, 2, (byte)'M', 0xe9, 0x03, (byte)'.'];
        byte[] sysInfo = [0x80, 2, (byte)'}', (byte)'.'];
        File.WriteAllBytes(path, [.. magic, .. protocol, .. sysInfo, .. pickle]);
    }

    static void AssertInvalid(string path, string phrase)
    {
        var error = Assert.Throws<InvalidInputException>(() => OfficialCheckpoint.Load(path));
        Assert.StartsWith(path, error.Message);
        Assert.Contains(phrase, error.Message);
    }
}
