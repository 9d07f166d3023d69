using System.Text.Json.Nodes;
using Sgraf.Inference;
using Sgraf.Inference.Runtime;
using Sgraf.TestSupport;
using Sgraf.Training.Tests.Cli;

namespace Sgraf.Training.Tests.Onnx;

/// <summary>A bundle whose files do not match its manifest is refused with a message naming the file.</summary>
public sealed class CorruptBundleTests(OfficialBundle bundle) : IClassFixture<OfficialBundle>
{
    [Fact]
    public void A_flipped_byte_in_a_graph_is_refused_naming_the_graph()
    {
        var copy = bundle.Copy();
        var path = Path.Combine(copy, "sgr.onnx");
        var bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 0x01;
        File.WriteAllBytes(path, bytes);

        var error = Assert.Throws<InvalidInputException>(() => SgrafBundle.Open(copy));
        Assert.Contains("sgr.onnx", error.Message);
        Assert.Contains("SHA-256", error.Message);
    }

    [Fact]
    public void A_missing_file_is_refused_naming_it()
    {
        var copy = bundle.Copy();
        File.Delete(Path.Combine(copy, "text_encoder.onnx"));
        var error = Assert.Throws<InvalidInputException>(() => SgrafBundle.Open(copy));
        Assert.Contains("text_encoder.onnx", error.Message);
    }

    [Fact]
    public void A_truncated_file_is_refused_naming_it()
    {
        var copy = bundle.Copy();
        var path = Path.Combine(copy, "vocab.json");
        File.WriteAllBytes(path, File.ReadAllBytes(path)[..^10]);
        var error = Assert.Throws<InvalidInputException>(() => SgrafBundle.Open(copy));
        Assert.Contains("vocab.json", error.Message);
    }

    [Fact]
    public void Manifest_dimensions_that_differ_from_the_graphs_are_refused_naming_the_manifest()
    {
        var copy = bundle.Copy();
        EditManifest(copy, m => m["modules"]!["sgr"]!["sim_dim"] = 25);
        var error = Assert.Throws<InvalidInputException>(() => SgrafRuntime.Open(copy));
        Assert.Contains("manifest.json", error.Message);
        Assert.Contains("sgr", error.Message);
    }

    [Fact]
    public void An_unknown_format_version_is_refused_naming_the_manifest()
    {
        var copy = bundle.Copy();
        EditManifest(copy, m => m["format_version"] = 99);
        var error = Assert.Throws<InvalidInputException>(() => SgrafBundle.Open(copy));
        Assert.Contains("manifest.json", error.Message);
        Assert.Contains("99", error.Message);
    }

    [Fact]
    public void Evaluate_refuses_a_corrupt_bundle_with_one_clean_message()
    {
        var copy = bundle.Copy();
        var path = Path.Combine(copy, "saf.onnx");
        var bytes = File.ReadAllBytes(path);
        bytes[100] ^= 0xff;
        File.WriteAllBytes(path, bytes);
        var result = ToolProcess.Run("sgraf", "evaluate", "--bundle", copy, "--data", OfficialFixture.DataDir, "--split", "test");
        ToolProcess.AssertCleanFailure(result, "saf.onnx");
    }

    static void EditManifest(string directory, Action<JsonNode> edit)
    {
        var path = Path.Combine(directory, BundleManifest.FileName);
        var manifest = JsonNode.Parse(File.ReadAllText(path))!;
        edit(manifest);
        File.WriteAllText(path, manifest.ToJsonString());
    }
}
