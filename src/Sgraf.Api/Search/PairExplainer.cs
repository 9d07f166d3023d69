using Sgraf.Inference.Model;
using Sgraf.Inference.Runtime;
using Sgraf.Inference.Text;

namespace Sgraf.Api.Search;

/// <summary>
/// Explains one image–caption pair: each model's score of it with the weights the model computed the score with
/// (<see cref="SgrafRuntime.Explain"/>), and for sgraf the mean of the two scores, as a search computes it. Thread-safe.
/// </summary>
public sealed class PairExplainer(SgrafRuntime runtime)
{
    /// <summary>Whether the bundle's similarity graphs output the weights (format version 3 and later).</summary>
    public bool CanExplain => runtime.CanExplain;

    /// <summary>The bundle's format version, for the answer when it cannot explain.</summary>
    public int FormatVersion => runtime.Bundle.Manifest.FormatVersion;

    /// <summary>The tokens the model reads for <paramref name="text"/>: &lt;start&gt;, the tokenizer's words (an out-of-vocabulary
    /// word is shown as written, though the model reads it as &lt;unk&gt;), &lt;end&gt;.</summary>
    public IReadOnlyList<string> Words(string text)
    {
        var vocabulary = runtime.Bundle.Vocabulary;
        return [vocabulary.WordOf(Vocabulary.StartId), .. CaptionTokenizer.Tokenize(text), vocabulary.WordOf(Vocabulary.EndId)];
    }

    /// <summary>The words of <paramref name="text"/> the model reads as &lt;unk&gt;, each once (<see cref="CaptionTokenizer.UnknownWords"/>).</summary>
    public IReadOnlyList<string> UnknownWords(string text) => CaptionTokenizer.UnknownWords(text, runtime.Bundle.Vocabulary);

    /// <param name="image">One image, encoded by this bundle.</param>
    /// <param name="caption">One caption, encoded by this bundle.</param>
    /// <param name="words">The caption's tokens as the model read them, &lt;start&gt; and &lt;end&gt; included.</param>
    /// <returns>The model's score and one explanation per model scored (sgr before saf).</returns>
    /// <exception cref="ExplanationUnavailableException">The bundle predates the explanation outputs.</exception>
    public (double Score, IReadOnlyList<ModelExplanation> Explanations) Explain(ImageEmbeddings image, CaptionEmbeddings caption,
        IReadOnlyList<string> words, SearchModel model)
    {
        IReadOnlyList<SimilarityModule> modules = model switch
        {
            SearchModel.Sgr => [SimilarityModule.SGR],
            SearchModel.Saf => [SimilarityModule.SAF],
            _ => runtime.Modules,
        };
        var explanations = modules.Select(m => runtime.Explain(image, caption, m)).ToArray();
        if (explanations[0].Length != words.Count)
            throw new InvalidOperationException($"the caption was encoded with {explanations[0].Length} tokens but tokenizes into {words.Count}");
        return (SgrafRuntime.EnsembleScore(explanations), [.. explanations.Select(e => Describe(e, words))]);
    }

    /// <summary>Node 0 of the SGR edges and of the SAF filtration is the global one, node t + 1 word t's.</summary>
    static ModelExplanation Describe(PairExplanation explanation, IReadOnlyList<string> words)
    {
        bool sgr = explanation.Module == SimilarityModule.SGR;
        var nodes = (sgr ? explanation.Edges : explanation.Filtration)!;
        var described = new WordExplanation[explanation.Length];
        for (int t = 0; t < explanation.Length; t++)
            described[t] = new WordExplanation(t, words[t], Ranked(explanation.AttentionOf(t)),
                sgr ? nodes[t + 1] : null, sgr ? null : nodes[t + 1]);
        return new ModelExplanation(BundleManifest.ModuleName(explanation.Module), explanation.Score,
            sgr ? nodes[0] : null, sgr ? null : nodes[0], described);
    }

    /// <summary>Every region with its weight, highest first (ties by region index, so the order is stable).</summary>
    static RegionWeight[] Ranked(ReadOnlySpan<float> weights)
    {
        var ranked = new RegionWeight[weights.Length];
        for (int r = 0; r < weights.Length; r++) ranked[r] = new RegionWeight(r, weights[r]);
        Array.Sort(ranked, (a, b) => b.Weight != a.Weight ? b.Weight.CompareTo(a.Weight) : a.Region.CompareTo(b.Region));
        return ranked;
    }
}
