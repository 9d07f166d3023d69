using System.Text.Json;
using System.Text.Json.Nodes;
using Sgraf.Inference;
using Sgraf.Inference.Data;
using Sgraf.Inference.Runtime;
using Sgraf.Inference.Text;
using Sgraf.Training.Model;
using static TorchSharp.torch;

namespace Sgraf.Training.Evaluation;

/// <summary>One line of a probe file: a caption of an image, true, and a minimally changed false caption.</summary>
public sealed record ProbeEntry(int Caption, int Image, string True, string False, string Kind);

/// <summary>Accuracy (percent of entries whose true caption scores higher than the false one), overall and per kind.</summary>
public sealed record ProbeReport(double Overall, int Count, IReadOnlyDictionary<string, (double Accuracy, int Count)> ByKind)
{
    /// <summary><c>{"overall": …, "by_kind": {kind: accuracy}, "count": …, "count_by_kind": {kind: count}}</c>.</summary>
    public JsonObject ToJson() => new()
    {
        ["overall"] = Overall,
        ["by_kind"] = new JsonObject(ByKind.Select(k => KeyValuePair.Create(k.Key, (JsonNode?)k.Value.Accuracy))),
        ["count"] = Count,
        ["count_by_kind"] = new JsonObject(ByKind.Select(k => KeyValuePair.Create(k.Key, (JsonNode?)k.Value.Count))),
    };
}

/// <summary>
/// The hard-negative probe of the shapes benchmark (<c>test_probe.jsonl</c>): does a model score each true caption
/// above its minimally changed false twin for the same image? The scorer is a function, so any model can be probed:
/// one SGRAF module, the SGRAF average of two, or a baseline.
/// </summary>
public static class HardNegativeProbe
{
    /// <summary>Scores of the given captions (token ids, &lt;start&gt; and &lt;end&gt; included) against one image.</summary>
    public delegate double[] CaptionScorer(int image, IReadOnlyList<int[]> captionIds);

    /// <summary>Reads a probe file, one JSON object per line (blank lines skipped).</summary>
    /// <param name="imageCount">Images in the split the probe refers to; an entry outside it is an error.</param>
    /// <exception cref="InvalidInputException">The file is missing or a line is not a valid entry; the message names file and line.</exception>
    public static IReadOnlyList<ProbeEntry> Read(string path, int imageCount)
    {
        if (!File.Exists(path)) throw InvalidInputException.InFile(path, "probe file not found");
        var entries = new List<ProbeEntry>();
        int lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            var entry = Parse(line) ?? throw InvalidInputException.InFile(path,
                $"line {lineNumber} is not a probe entry {{\"caption\": int, \"image\": int, \"true\": text, \"false\": text, \"kind\": text}}");
            if (entry.Image < 0 || entry.Image >= imageCount)
                throw InvalidInputException.InFile(path, $"line {lineNumber}: image {entry.Image} is outside the split's {imageCount} images");
            entries.Add(entry);
        }
        return entries;
    }

    static ProbeEntry? Parse(string line)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(line);
        }
        catch (JsonException)
        {
            return null;
        }
        return node is JsonObject o && Int(o, "caption") is { } caption && Int(o, "image") is { } image
            && Text(o, "true") is { } truth && Text(o, "false") is { } falsehood && Text(o, "kind") is { Length: > 0 } kind
            ? new ProbeEntry(caption, image, truth, falsehood, kind)
            : null;
    }

    static int? Int(JsonObject o, string name) => o[name] is JsonValue v && v.TryGetValue<int>(out var value) ? value : null;

    static string? Text(JsonObject o, string name) => o[name] is JsonValue v && v.TryGetValue<string>(out var value) ? value : null;

    /// <summary>Scores every entry, an image at a time (its true and false captions in one call), and counts the wins.</summary>
    /// <param name="step">Called once per image scored.</param>
    public static ProbeReport Evaluate(IReadOnlyList<ProbeEntry> entries, Vocabulary vocabulary, CaptionScorer score, Action? step = null)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0) throw new ArgumentException("no probe entries", nameof(entries));
        var correct = new Dictionary<string, (int Right, int Count)>(StringComparer.Ordinal);
        foreach (var group in entries.GroupBy(e => e.Image))
        {
            var items = group.ToArray();
            var ids = items.Select(e => CaptionTokenizer.Encode(e.True, vocabulary))
                .Concat(items.Select(e => CaptionTokenizer.Encode(e.False, vocabulary))).ToArray();
            var scores = score(group.Key, ids);
            for (int k = 0; k < items.Length; k++)
            {
                var (right, count) = correct.GetValueOrDefault(items[k].Kind);
                correct[items[k].Kind] = (right + (scores[k] > scores[items.Length + k] ? 1 : 0), count + 1);
            }
            step?.Invoke();
        }
        var byKind = correct.OrderBy(k => k.Key, StringComparer.Ordinal)
            .ToDictionary(k => k.Key, k => (Percent(k.Value.Right, k.Value.Count), k.Value.Count));
        return new ProbeReport(Percent(correct.Values.Sum(v => v.Right), entries.Count), entries.Count, byKind);
    }

    /// <summary>The mean score of several models, each scoring the image's regions against the captions: SGRAF for an SGR and a SAF.</summary>
    public static CaptionScorer ModelScorer(IReadOnlyList<SgrafModel> models, PrecompDataset data, bool globalOnly = false) => (image, captionIds) =>
    {
        var total = new float[captionIds.Count];
        foreach (var model in models)
        {
            var scores = Score(model, data, image, captionIds, globalOnly);
            for (int j = 0; j < total.Length; j++) total[j] += scores[j] / models.Count;
        }
        return Array.ConvertAll(total, score => (double)score);
    };

    /// <summary>
    /// The same through an ONNX bundle: its exact scores (the mean of its modules) of the already encoded
    /// <paramref name="images"/>, captions encoded with the bundle's vocabulary.
    /// </summary>
    public static CaptionScorer BundleScorer(SgrafRuntime runtime, ImageEmbeddings images) => (image, captionIds) =>
        runtime.Score([(images, image)], runtime.EncodeTokenIds(captionIds)).Row(0).ToArray();

    static float[] Score(SgrafModel model, PrecompDataset data, int image, IReadOnlyList<int[]> captionIds, bool globalOnly)
    {
        model.eval();
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var regions = model.EncodeImages(tensor(data.Image(image).ToArray(), [1, Inference.Model.SgrafConfig.Regions, data.ImageDim]));
        var (ids, lengths) = TokenBatch.Pad(captionIds);
        var words = model.EncodeCaptions(ids, lengths);
        var lengthArray = captionIds.Select(c => (long)c.Length).ToArray();
        var scores = globalOnly ? model.ScoreGlobalOnly(regions, words, lengthArray) : model.Score(regions, words, lengthArray);
        return scores.to(ScalarType.Float32).data<float>().ToArray();
    }

    static double Percent(int right, int count) => 100.0 * right / count;
}
