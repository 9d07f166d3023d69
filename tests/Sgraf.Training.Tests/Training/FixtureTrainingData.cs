using Sgraf.Inference.Text;
using Sgraf.TestSupport;
using Sgraf.Training.Training;

namespace Sgraf.Training.Tests.Training;

/// <summary>
/// The fixture's test split copied into a temporary precomp folder as both train_* and dev_*, with its
/// vocabulary: a tiny but real dataset to train on. Deleted on dispose.
/// </summary>
public sealed class FixtureTrainingData : IDisposable
{
    public FixtureTrainingData()
    {
        Root = Directory.CreateTempSubdirectory("sgraf-train-").FullName;
        DataDir = Path.Combine(Root, "tiny_precomp");
        Directory.CreateDirectory(DataDir);
        foreach (var split in new[] { "train", "dev" })
        {
            File.Copy(Path.Combine(OfficialFixture.DataDir, "test_ims.npy"), Path.Combine(DataDir, $"{split}_ims.npy"));
            File.Copy(Path.Combine(OfficialFixture.DataDir, "test_caps.txt"), Path.Combine(DataDir, $"{split}_caps.txt"));
        }
        Data = TrainingData.Load(DataDir, Vocabulary.Load(OfficialFixture.VocabFile));
    }

    public string Root { get; }
    public string DataDir { get; }
    public TrainingData Data { get; }

    /// <summary>A fresh folder under <see cref="Root"/>.</summary>
    public string NewFolder(string name)
    {
        var path = Path.Combine(Root, name);
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>The fixture checkpoints' architecture (embed 48, sim 24, word 16) with small batches.</summary>
    public static TrainingOptions SmallOptions(string module = "SGR") => new()
    {
        Module = Enum.Parse<Inference.Model.SimilarityModule>(module),
        WordDim = 16,
        EmbedSize = 48,
        SimDim = 24,
        BatchSize = 32,
        NumEpochs = 2,
        Seed = 11,
        Threads = 2,
    };

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
