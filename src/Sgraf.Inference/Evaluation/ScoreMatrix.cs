using Sgraf.Inference.Data;

namespace Sgraf.Inference.Evaluation;

/// <summary>
/// Similarity scores of every image against every caption (images × captions, row-major), as the official
/// <c>shard_attn_scores</c> returns them: float64 holding float32-computed values.
/// </summary>
public sealed class ScoreMatrix
{
    public ScoreMatrix(int images, int captions, double[] values)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(images);
        ArgumentOutOfRangeException.ThrowIfNegative(captions);
        ArgumentNullException.ThrowIfNull(values);
        if ((long)images * captions != values.Length)
            throw new ArgumentException($"{images} × {captions} scores expected but {values.Length} given", nameof(values));
        (Images, Captions, Values) = (images, captions, values);
    }

    public int Images { get; }
    public int Captions { get; }

    /// <summary>Row-major: the score of image i and caption j is at <c>i * Captions + j</c>. Shared, not copied.</summary>
    public double[] Values { get; }

    public double this[int image, int caption] => Values[image * Captions + caption];

    public ReadOnlySpan<double> Row(int image) => Values.AsSpan(image * Captions, Captions);

    /// <summary>Every image's score for one caption, copied (the matrix is row-major).</summary>
    public double[] Column(int caption)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(caption);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(caption, Captions);
        var column = new double[Images];
        for (int i = 0; i < Images; i++) column[i] = Values[(long)i * Captions + caption];
        return column;
    }

    /// <summary>A block of consecutive images and captions, copied (one fold of the COCO 1K protocol).</summary>
    public ScoreMatrix Slice(int firstImage, int images, int firstCaption, int captions)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(firstImage);
        ArgumentOutOfRangeException.ThrowIfNegative(firstCaption);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(firstImage + images, Images, nameof(images));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(firstCaption + captions, Captions, nameof(captions));
        var values = new double[images * captions];
        for (var i = 0; i < images; i++)
            Row(firstImage + i).Slice(firstCaption, captions).CopyTo(values.AsSpan(i * captions, captions));
        return new ScoreMatrix(images, captions, values);
    }

    /// <summary>Reads an (images, captions) .npy of float64, float32 or float16 scores.</summary>
    public static ScoreMatrix Load(string path)
    {
        var array = NpyReader.ReadFloat64(path, "images", "captions");
        return new ScoreMatrix(array.Shape[0], array.Shape[1], array.Data);
    }

    /// <summary>Writes the scores as an (images, captions) float64 .npy, the official sims layout.</summary>
    public void Save(string path) => NpyWriter.Write(path, new NpyArray<double>([Images, Captions], Values));
}
