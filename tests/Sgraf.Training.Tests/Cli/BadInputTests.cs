using System.Text;
using Sgraf.Inference.Data;
using Sgraf.Inference.Model;
using Sgraf.TestSupport;
using Sgraf.Training.Checkpoints;
using Sgraf.Training.Tests.Checkpoints;

namespace Sgraf.Training.Tests.Cli;

/// <summary>Bad input through the real tool: a clear message naming the file, a non-zero exit, no stack trace, nothing written.</summary>
public sealed class BadInputTests : IDisposable
{
    readonly TempDirectory work = new();

    public void Dispose() => work.Dispose();

    /// <summary>It printed the whole help to stdout, then "Cannot parse argument 'abc' … 'System.Int32'", exit 1.</summary>
    [Theory]
    [InlineData(new[] { "make-shapes", "--out", "x", "--train", "abc" }, "error: --train: 'abc' is not a whole number")]
    [InlineData(new[] { "train", "--data", "x", "--out", "y", "--margin", "wide" }, "error: --margin: 'wide' is not a number")]
    [InlineData(new[] { "make-shapes", "--out", "x", "--tran", "4" }, "error: Unrecognized command or argument '--tran'.")]
    public void A_command_line_that_does_not_parse_gets_one_line_per_problem_and_exit_code_2(string[] arguments, string expected)
    {
        var result = ToolProcess.Run("sgraf", arguments);
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal("", result.StandardOutput);
        var lines = result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(expected, lines);
        Assert.Equal($"(sgraf {arguments[0]} --help lists the options)", lines[^1]);
        Assert.DoesNotContain("System.", result.StandardError);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_data_folder_that_is_missing_or_empty_is_said_so(bool exists)
    {
        var data = work.File("data");
        if (exists) Directory.CreateDirectory(data);
        var result = ToolProcess.Run("sgraf", "train", "--data", data, "--out", work.File("out"), "--model", "sgr");
        ToolProcess.AssertCleanFailure(result, data, exists ? "the folder is empty" : "folder not found");
    }

    [Fact]
    public void Resume_and_continue_from_together_are_refused_before_anything_is_read()
    {
        var output = work.File("out");
        var result = ToolProcess.Run("sgraf", "train", "--data", work.File("data"), "--out", output, "--resume", "a", "--continue-from", "b");
        ToolProcess.AssertCleanFailure(result, "--resume a and --continue-from: give one of them");
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void A_truncated_checkpoint_is_refused_and_nothing_is_written()
    {
        var bytes = File.ReadAllBytes(OfficialFixture.Checkpoint("SGR"));
        var path = work.File("truncated.pth.tar");
        File.WriteAllBytes(path, bytes[..(bytes.Length * 2 / 3)]);
        var output = work.File("out");

        ToolProcess.AssertCleanFailure(ToolProcess.Run("sgraf", "import-official", "--checkpoint", path, "--out", output), path);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void A_truncated_legacy_checkpoint_is_refused()
    {
        var bytes = File.ReadAllBytes(OfficialFixture.Checkpoint("SAF", legacy: true));
        var path = work.File("truncated_legacy.pth.tar");
        File.WriteAllBytes(path, bytes[..(bytes.Length - 1000)]);
        ToolProcess.AssertCleanFailure(ToolProcess.Run("sgraf", "import-official", "--checkpoint", path, "--out", work.File("out")), path);
    }

    [Fact]
    public void Random_bytes_are_refused_as_a_checkpoint()
    {
        var path = work.File("noise.pth.tar");
        File.WriteAllBytes(path, Enumerable.Range(0, 4096).Select(i => (byte)(i * 7919 % 251)).ToArray());
        ToolProcess.AssertCleanFailure(ToolProcess.Run("sgraf", "evaluate", "--model", path, "--data", OfficialFixture.DataDir, "--split", "test"), path);
    }

    [Fact]
    public void A_pickle_that_is_not_an_official_checkpoint_dict_is_refused()
    {
        var path = work.File("list.pth.tar");
        new TorchSaveWriter().Write(path, new List<object?> { 1L, 2L, 3L });
        ToolProcess.AssertCleanFailure(ToolProcess.Run("sgraf", "import-official", "--checkpoint", path, "--out", work.File("out")), path);
    }

    [Fact]
    public void Tensors_that_do_not_fit_the_saved_opt_are_refused_naming_the_tensor()
    {
        var config = TestWeights.Small();
        var path = work.File("misfit.pth.tar");
        var writer = new TorchSaveWriter();
        // The weights are for 44 words, the opt claims 45.
        writer.Write(path, writer.OfficialRoot(TorchSaveWriter.Options(config with { VocabSize = 45 }), TestWeights.Random(config)));
        ToolProcess.AssertCleanFailure(
            ToolProcess.Run("sgraf", "import-official", "--checkpoint", path, "--out", work.File("out")), path, "embed.weight");
    }

    [Fact]
    public void Region_features_of_the_wrong_shape_are_refused_naming_the_file()
    {
        var data = CopyFixtureData();
        NpyWriter.Write(Path.Combine(data, "test_ims.npy"), new NpyArray<float>([20, 35, 64], new float[20 * 35 * 64]));
        ToolProcess.AssertCleanFailure(Evaluate(data), "test_ims.npy");
    }

    [Fact]
    public void Region_features_of_a_non_float_dtype_are_refused_naming_the_file()
    {
        var data = CopyFixtureData();
        File.WriteAllBytes(Path.Combine(data, "test_ims.npy"), NpyWithDescr("<i2", "(20, 36, 64)", 20 * 36 * 64 * 2));
        ToolProcess.AssertCleanFailure(Evaluate(data), "test_ims.npy");
    }

    [Fact]
    public void Region_features_of_another_dimension_than_the_model_are_refused()
    {
        var data = CopyFixtureData();
        NpyWriter.Write(Path.Combine(data, "test_ims.npy"), new NpyArray<float>([20, 36, 32], new float[20 * 36 * 32]));
        ToolProcess.AssertCleanFailure(Evaluate(data), "test_ims.npy", "64");
    }

    [Fact]
    public void A_captions_file_whose_line_count_is_not_five_per_image_is_refused()
    {
        var data = CopyFixtureData();
        var captions = Path.Combine(data, "test_caps.txt");
        File.WriteAllLines(captions, File.ReadAllLines(captions).Skip(1));
        ToolProcess.AssertCleanFailure(Evaluate(data), "test_caps.txt", "99");
    }

    [Fact]
    public void A_missing_model_path_is_refused()
    {
        var missing = work.File("no-such-model");
        ToolProcess.AssertCleanFailure(ToolProcess.Run("sgraf", "evaluate", "--model", missing, "--data", OfficialFixture.DataDir, "--split", "test"), missing);
    }

    [Fact]
    public void A_vocabulary_of_another_size_than_the_model_is_refused()
    {
        var vocab = work.File("vocab.json");
        Inference.Text.Vocabulary.Build(["red", "blue"]).Save(vocab);
        ToolProcess.AssertCleanFailure(ToolProcess.Run("sgraf", "evaluate", "--model", OfficialFixture.Checkpoint("SGR"),
            "--data", OfficialFixture.DataDir, "--split", "test", "--vocab", vocab), "44", "6");
    }

    ToolProcess.Result Evaluate(string data) => ToolProcess.Run("sgraf", "evaluate", "--model", OfficialFixture.Checkpoint("SGR"),
        "--data", data, "--split", "test", "--vocab", OfficialFixture.VocabFile);

    string CopyFixtureData()
    {
        var data = work.File("data");
        Directory.CreateDirectory(data);
        foreach (var file in Directory.GetFiles(OfficialFixture.DataDir))
            File.Copy(file, Path.Combine(data, Path.GetFileName(file)));
        return data;
    }

    static byte[] NpyWithDescr(string descr, string shape, int dataBytes)
    {
        var header = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}";
        header = header.PadRight(118 - 1) + "\n";
        var bytes = new List<byte> { 0x93 };
        bytes.AddRange("NUMPY"u8.ToArray());
        bytes.AddRange([1, 0, (byte)header.Length, 0]);
        bytes.AddRange(Encoding.ASCII.GetBytes(header));
        bytes.AddRange(new byte[dataBytes]);
        return bytes.ToArray();
    }
}
