using Sgraf.Inference.Data;
using Sgraf.Inference.Runtime;
using Sgraf.TestSupport;
using Sgraf.Training.Tests.Cli;

namespace Sgraf.Training.Tests.Onnx;

/// <summary>
/// The fixture's official SGR and SAF checkpoints, imported with <c>sgraf import-official</c> and exported with
/// <c>sgraf export-onnx</c> as a user would, then loaded into the ONNX Runtime and run over the fixture split once.
/// </summary>
public sealed class OfficialBundle : IDisposable
{
    readonly string work = System.IO.Directory.CreateTempSubdirectory("sgraf-onnx-official-").FullName;

    public OfficialBundle()
    {
        foreach (var module in new[] { "SGR", "SAF" })
            Check(ToolProcess.Run("sgraf", "import-official", "--checkpoint", OfficialFixture.Checkpoint(module), "--out", Path.Combine(work, module)));
        Directory = Path.Combine(work, "bundle");
        Check(ToolProcess.Run("sgraf", "export-onnx", "--model", Path.Combine(work, "SGR"), "--model", Path.Combine(work, "SAF"),
            "--data", OfficialFixture.DataDir, "--out", Directory));

        Data = PrecompDataset.Load(OfficialFixture.DataDir, "test");
        Runtime = SgrafRuntime.Open(Directory);
        Images = Runtime.EncodeImages(Data.ImageFeatures, Data.ImageCount);
        Captions = Runtime.EncodeCaptions(Data.Captions);
    }

    /// <summary>The bundle folder; tests that change it work on a copy.</summary>
    public string Directory { get; }
    public PrecompDataset Data { get; }
    public SgrafRuntime Runtime { get; }
    public ImageEmbeddings Images { get; }
    public CaptionEmbeddings Captions { get; }

    /// <summary>A copy of the bundle in a fresh folder, to damage.</summary>
    public string Copy()
    {
        var target = Path.Combine(work, $"copy-{Guid.NewGuid():N}");
        System.IO.Directory.CreateDirectory(target);
        foreach (var file in System.IO.Directory.GetFiles(Directory))
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        return target;
    }

    public void Dispose()
    {
        Runtime.Dispose();
        System.IO.Directory.Delete(work, recursive: true);
    }

    static void Check(ToolProcess.Result result) => Assert.True(result.ExitCode == 0, result.ToString());
}
