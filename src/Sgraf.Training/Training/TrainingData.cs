using Sgraf.Inference;
using Sgraf.Inference.Data;
using Sgraf.Inference.Text;

namespace Sgraf.Training.Training;

/// <summary>
/// The <c>train</c> and <c>dev</c> splits of a precomp folder (spec §12), tokenised once with the vocabulary.
/// Like the official loader, dev is cut to its first 5000 captions (1000 images) for validation.
/// </summary>
public sealed class TrainingData
{
    public const int DevCaptions = 5000;

    TrainingData(PrecompDataset train, int[][] trainIds, PrecompDataset dev, int[][] devIds, Vocabulary vocabulary)
    {
        Train = train;
        TrainIds = trainIds;
        Dev = dev;
        DevIds = devIds;
        Vocabulary = vocabulary;
    }

    public PrecompDataset Train { get; }
    public int[][] TrainIds { get; }
    public PrecompDataset Dev { get; }
    public int[][] DevIds { get; }
    public Vocabulary Vocabulary { get; }

    /// <exception cref="InvalidInputException">A split is missing or malformed, or the two splits disagree on img_dim.</exception>
    public static TrainingData Load(string dataDir, Vocabulary vocabulary)
    {
        var train = PrecompDataset.Load(dataDir, "train");
        var dev = PrecompDataset.Load(dataDir, "dev", train.ImageDim).Take(DevCaptions);
        return new TrainingData(train, Encode(train, vocabulary), dev, Encode(dev, vocabulary), vocabulary);
    }

    static int[][] Encode(PrecompDataset data, Vocabulary vocabulary) =>
        data.Captions.AsParallel().AsOrdered().Select(c => CaptionTokenizer.Encode(c, vocabulary)).ToArray();
}
