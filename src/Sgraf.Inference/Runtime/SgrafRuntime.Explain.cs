using Microsoft.ML.OnnxRuntime;
using Sgraf.Inference.Evaluation;
using Sgraf.Inference.Model;

namespace Sgraf.Inference.Runtime;

/// <summary>Explanations: the score of one pair together with the weights the similarity graph computed it with.</summary>
public sealed partial class SgrafRuntime
{
    /// <summary>Whether the bundle's similarity graphs output the weights that explain a score (format version 3 and later).</summary>
    public bool CanExplain { get; }

    /// <summary>
    /// Scores one image against one caption with <paramref name="module"/> and returns the weights behind the score. The
    /// graph and inputs are those of <see cref="Score(ImageEmbeddings, CaptionEmbeddings, SimilarityModule, int?)"/> for the
    /// same pair alone, so the score is that score, bit for bit.
    /// </summary>
    /// <exception cref="ExplanationUnavailableException">The bundle was exported before the explanation outputs existed.</exception>
    public PairExplanation Explain(ImageEmbeddings image, CaptionEmbeddings caption, SimilarityModule module)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(caption);
        if (image.Count != 1) throw new ArgumentException($"explains one image at a time, got {image.Count}", nameof(image));
        if (caption.Count != 1) throw new ArgumentException($"explains one caption at a time, got {caption.Count}", nameof(caption));
        if (!similarity.TryGetValue(module, out var session)) throw new ArgumentException($"the bundle has no {module} model", nameof(module));
        if (!CanExplain) throw new ExplanationUnavailableException(Bundle.Directory, Bundle.Manifest.FormatVersion);
        if (!image.Encodings.ContainsKey(module) || !caption.Encodings.TryGetValue(module, out var encoding))
            throw new ArgumentException($"the embeddings were not made by this bundle's {module} encoders");

        var nodeWeights = module == SimilarityModule.SGR ? BundleManifest.EdgesOutput : BundleManifest.FiltrationOutput;
        using var outputs = RunSimilarity(session, ScoredImages.InPlace(image), module, encoding, caption.Lengths, [0], 1, 0,
            [BundleManifest.ScoresOutput, BundleManifest.AttentionOutput, BundleManifest.AttentionTotalOutput, nodeWeights]);
        int length = caption.Lengths[0], regions = SgrafConfig.Regions;
        var numerators = outputs[1].GetTensorDataAsSpan<float>();     // (1, 36, L)
        var totals = outputs[2].GetTensorDataAsSpan<float>();         // (1, 1, L)
        var attention = new float[length * regions];
        for (int t = 0; t < length; t++)
            for (int r = 0; r < regions; r++) attention[t * regions + r] = numerators[r * length + t] / totals[t];
        var weights = outputs[3].GetTensorDataAsSpan<float>().ToArray();   // L + 1 nodes, the global one first
        return new PairExplanation(module, outputs[0].GetTensorDataAsSpan<float>()[0], length, attention,
            module == SimilarityModule.SGR ? weights : null, module == SimilarityModule.SAF ? weights : null);
    }

    /// <summary>The bundle's score of the pair from its models' explanations: SGRAF (their mean, spec §9) when there are two.</summary>
    public static double EnsembleScore(IReadOnlyList<PairExplanation> explanations) =>
        SgrafEnsemble.Average([.. explanations.Select(e => new ScoreMatrix(1, 1, [e.Score]))])[0, 0];

    /// <summary>
    /// Whether every similarity graph has the explanation outputs. A bundle that says it has them (format version 3 or
    /// later) but lacks them was written wrongly, and is refused rather than served without explanations.
    /// </summary>
    static bool HasExplanationOutputs(SgrafBundle bundle, IReadOnlyDictionary<SimilarityModule, InferenceSession> similarity)
    {
        foreach (var (module, session) in similarity)
        {
            string[] needed = [BundleManifest.AttentionOutput, BundleManifest.AttentionTotalOutput,
                module == SimilarityModule.SGR ? BundleManifest.EdgesOutput : BundleManifest.FiltrationOutput];
            var missing = needed.Where(name => !session.OutputMetadata.ContainsKey(name)).ToArray();
            if (missing.Length == 0) continue;
            if (bundle.Manifest.FormatVersion >= BundleManifest.ExplanationFormatVersion)
                throw InvalidInputException.InFile(bundle.PathOf(BundleManifest.SimilarityFile(BundleManifest.ModuleName(module))),
                    $"has no output {string.Join(", ", missing)}, which format version {bundle.Manifest.FormatVersion} bundles have; export the bundle again");
            return false;
        }
        return true;
    }
}
