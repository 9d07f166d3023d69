using Sgraf.Inference.Model;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Sgraf.Training.Model;

/// <summary>
/// Spec §4–§8 (EncoderSimilarity): scores every image against every caption. The official code loops
/// over captions one at a time; here captions of equal length are scored together against all images,
/// which is the same arithmetic. In training mode each caption stays on its own, as officially: SAF's
/// BatchNorm takes batch statistics per caption (spec §10), which grouping would change, and for SGR
/// the per-caption working set fits the CPU caches — grouped, it trained at 36 instead of ~95
/// captions/s on one thread (embed 128, sim 32, batch 128).
/// </summary>
public sealed class SimilarityEncoder : Module<Tensor, Tensor, long[], Tensor>
{
    /// <summary>Upper bound on elements of one (captions × images × words × embed) working tensor.</summary>
    public const long WorkingSetElements = 8L << 20;

    // Field names are the official state-dict names (sim_enc.v_global_w.*, sim_enc.SGR_module.0.*, ...).
    readonly SelfAttentionGlobal v_global_w;
    readonly SelfAttentionGlobal t_global_w;
    readonly Linear sim_tranloc_w;
    readonly Linear sim_tranglo_w;
    readonly Linear sim_eval_w;
    readonly ModuleList<GraphReasoning>? SGR_module;
    readonly AttentionFiltration? SAF_module;
    readonly ProductPrecision products;

    public SimilarityEncoder(SgrafConfig config, ProductPrecision products) : base("sim_enc")
    {
        this.products = products;
        v_global_w = SelfAttentionGlobal.Visual(config.EmbedSize);
        t_global_w = SelfAttentionGlobal.Text(config.EmbedSize);
        sim_tranloc_w = Linear(config.EmbedSize, config.SimDim);
        sim_tranglo_w = Linear(config.EmbedSize, config.SimDim);
        sim_eval_w = Linear(config.SimDim, 1);
        if (config.Module == SimilarityModule.SGR)
            SGR_module = ModuleList(Enumerable.Range(0, config.SgrStep).Select(_ => new GraphReasoning(config.SimDim, products)).ToArray());
        else
            SAF_module = new AttentionFiltration(config.SimDim);
        RegisterComponents();
        XavierInit.Apply(sim_tranloc_w, sim_tranglo_w, sim_eval_w);
    }

    /// <summary>
    /// The parameters of the per-pair part (spec §5–§8): everything after the image and caption globals. Training
    /// differentiates a pair's score with respect to these and to the encoder outputs.
    /// </summary>
    public IEnumerable<Parameter> PairParameters() =>
        new Module[] { sim_tranloc_w, sim_tranglo_w, sim_eval_w, (Module?)SGR_module ?? SAF_module! }.SelectMany(m => m.parameters());

    /// <param name="regions">(N_img, 36, D) region embeddings.</param>
    /// <param name="words">(N_cap, L_max, D) word embeddings, zero-padded.</param>
    /// <param name="lengths">N_cap true caption lengths (tokens, &lt;start&gt;/&lt;end&gt; included).</param>
    /// <returns>(N_img, N_cap) scores in (0, 1).</returns>
    public override Tensor forward(Tensor regions, Tensor words, long[] lengths)
    {
        if (words.shape[0] != lengths.Length)
            throw new ArgumentException($"{words.shape[0]} captions but {lengths.Length} lengths", nameof(lengths));
        var imageGlobals = ImageGlobals(regions);
        var gram = TextToVisualAttention.RegionGram(regions);
        var columns = new Tensor[lengths.Length];
        foreach (var group in CaptionGroups(lengths, regions.shape[0], words.shape[2], training))
        {
            var length = lengths[group[0]];
            var groupWords = words.index_select(0, tensor(group, device: words.device)).narrow(1, 0, length);
            var scores = ScoreCaptions(regions, imageGlobals, gram, groupWords, CaptionGlobals(groupWords));
            for (int g = 0; g < group.Length; g++) columns[group[g]] = scores.select(1, g);
        }
        return stack(columns, 1);
    }

    /// <summary>
    /// The global-only baseline: the cosine of the image's and the caption's self-attention globals
    /// (v_glo · t_glo, both already l2-normalised), with no local alignment and no reasoning. It shows
    /// what SGR's and SAF's word-region alignment adds over one embedding per side.
    /// </summary>
    /// <returns>(N_img, N_cap) cosines in [−1, 1].</returns>
    public Tensor GlobalOnlyScores(Tensor regions, Tensor words, long[] lengths)
    {
        var imageGlobals = ImageGlobals(regions);
        var columns = new Tensor[lengths.Length];
        foreach (var group in CaptionGroups(lengths, 1, words.shape[2], training))
        {
            var groupWords = words.index_select(0, tensor(group, device: words.device)).narrow(1, 0, lengths[group[0]]);
            var scores = imageGlobals.matmul(CaptionGlobals(groupWords).t());
            for (int g = 0; g < group.Length; g++) columns[group[g]] = scores.select(1, g);
        }
        return stack(columns, 1);
    }

    /// <summary>v̄ and v_glo (spec §4) for every image: computed once, shared by all captions.</summary>
    public Tensor ImageGlobals(Tensor regions, Action<string, Tensor>? trace = null)
    {
        var average = regions.mean([1]);
        var global = v_global_w.call(regions, average);
        trace?.Invoke("img_ave", average);
        trace?.Invoke("img_glo", global);
        return global;
    }

    /// <summary>t̄ and t_glo (spec §4) of G captions that all have L words: computed once per caption, shared by all images.</summary>
    /// <param name="words">(G, L, D) — no padding.</param>
    /// <returns>(G, D).</returns>
    public Tensor CaptionGlobals(Tensor words, Action<string, Tensor>? trace = null)
    {
        var average = words.mean([1]);
        var global = t_global_w.call(words, average);
        trace?.Invoke("cap_ave", average);
        trace?.Invoke("cap_glo", global);
        return global;
    }

    /// <summary>Scores G captions that all have L words against every image (spec §4 TextSA, §5–§8).</summary>
    /// <param name="regions">(N, 36, D).</param>
    /// <param name="imageGlobals">(N, D) from <see cref="ImageGlobals"/>.</param>
    /// <param name="words">(G, L, D) — no padding: every row has exactly L valid words.</param>
    /// <param name="trace">Receives each intermediate by its fixture name, image-major (N, G, …) (the fixture's, of one
    /// caption, are (N, …)), and what the fixture does not hold: scan_attention (N, G, L, 36) and each SGR step's
    /// edges, sgr_step{k}_edges (N·G, L+1, L+1).</param>
    /// <returns>(N, G) scores.</returns>
    public Tensor ScoreCaptions(Tensor regions, Tensor imageGlobals, Tensor words, Action<string, Tensor>? trace = null) =>
        ScoreCaptions(regions, imageGlobals, RegionGram(regions), words, CaptionGlobals(words, trace), trace);

    /// <summary>(N, 36, 36): the per-image term <see cref="ScoreCaptions(Tensor, Tensor, Tensor, Tensor, Tensor, Action{string, Tensor}?, List{NormStatistics}?)"/>
    /// and <see cref="ScorePairs"/> take the context's norm from (spec §5).</summary>
    public static Tensor RegionGram(Tensor regions) => TextToVisualAttention.RegionGram(regions);

    /// <summary>As above, with the per-image and per-caption terms already computed.</summary>
    /// <param name="regionGram">(N, 36, 36) from <see cref="RegionGram"/>.</param>
    /// <param name="captionGlobals">(G, D) from <see cref="CaptionGlobals"/>.</param>
    /// <param name="deferredNorm">Training mode, SAF: normalise with each caption's batch statistics but leave the
    /// running statistics alone; the statistics are added here, for <see cref="UpdateNormStatistics"/>.</param>
    public Tensor ScoreCaptions(Tensor regions, Tensor imageGlobals, Tensor regionGram, Tensor words, Tensor captionGlobals,
        Action<string, Tensor>? trace = null, List<NormStatistics>? deferredNorm = null)
    {
        long captions = words.shape[0], images = regions.shape[0];
        var context = TextToVisualAttention.Attend(products, words, regions, regionGram,
            trace is null ? null : attention => trace("scan_attention", attention));       // (N, G, L, D)
        trace?.Invoke("scan_context", context);
        var globalDifference = imageGlobals.unsqueeze(1).sub(captionGlobals.unsqueeze(0));     // (N, G, D)
        return ScoreNodes(context, words, globalDifference, trace, deferredNorm).view(images, captions);
    }

    /// <summary>
    /// Scores P chosen image–caption pairs: pair p is image p's regions and global against caption p's words and global,
    /// all P captions of one length. The same maths as <see cref="ScoreCaptions(Tensor, Tensor, Tensor, Tensor, Tensor, Action{string, Tensor}?, List{NormStatistics}?)"/>
    /// for those pairs only. SGR only: SAF's training-mode BatchNorm needs all the images of a caption.
    /// </summary>
    /// <param name="regions">(P, 36, D).</param>
    /// <param name="imageGlobals">(P, D).</param>
    /// <param name="regionGram">(P, 36, 36).</param>
    /// <param name="words">(P, L, D).</param>
    /// <param name="captionGlobals">(P, D).</param>
    /// <returns>(P) scores.</returns>
    public Tensor ScorePairs(Tensor regions, Tensor imageGlobals, Tensor regionGram, Tensor words, Tensor captionGlobals)
    {
        if (SGR_module is null) throw new InvalidOperationException("pairs alone can be scored by SGR only: SAF's BatchNorm spans every image of a caption");
        var context = TextToVisualAttention.AttendPairs(products, words, regions, regionGram);           // (P, L, D)
        return ScoreNodes(context, words, imageGlobals.sub(captionGlobals), trace: null, deferredNorm: null);
    }

    /// <summary>
    /// §5's similarity nodes, §6 or §7, and §8: from each pair's attended contexts, its words and the difference of
    /// its globals to its score. Pairs are the leading dimensions, in any layout that broadcasts.
    /// </summary>
    /// <param name="context">(…, L, D) attended visual context of each word.</param>
    /// <param name="words">(…, L, D), broadcast against <paramref name="context"/>.</param>
    /// <param name="globalDifference">(…, D): v_glo − t_glo of each pair.</param>
    /// <returns>The scores, flattened in the pairs' order.</returns>
    Tensor ScoreNodes(Tensor context, Tensor words, Tensor globalDifference, Action<string, Tensor>? trace, List<NormStatistics>? deferredNorm)
    {
        long length = context.shape[^2];
        var localSimilarity = Normalization.L2Norm(products.Linear(sim_tranloc_w, context.sub(words).square()), -1);
        var globalSimilarity = Normalization.L2Norm(products.Linear(sim_tranglo_w, globalDifference.square()), -1);
        // Node 0 is the global alignment, nodes 1..L the per-word local alignments.
        var nodes = cat([globalSimilarity.unsqueeze(-2), localSimilarity], -2).reshape(-1, length + 1, localSimilarity.shape[^1]);
        trace?.Invoke("sim_emb", nodes);

        Tensor similarityVector;
        if (SGR_module is not null)
        {
            int last = SGR_module.Count - 1;
            for (int step = 0; step < last; step++) nodes = Reason(step, nodes, trace);
            // Only the global node of the last step is read (spec §6); the trace wants all of them.
            similarityVector = trace is null ? SGR_module[last].GlobalNode(nodes) : Reason(last, nodes, trace).select(1, 0);
        }
        else
        {
            similarityVector = SAF_module!.forward(nodes, out var attention, deferredNorm);
            trace?.Invoke("saf_attn", attention);
        }
        var scores = sim_eval_w.call(similarityVector).sigmoid();                     // (pairs, 1)
        trace?.Invoke("sim_vec", similarityVector);
        trace?.Invoke("sim_i", scores);
        return scores.view(-1);
    }

    Tensor Reason(int step, Tensor nodes, Action<string, Tensor>? trace)
    {
        nodes = SGR_module![step].forward(nodes, out var edges);
        trace?.Invoke($"sgr_step{step + 1}", nodes);
        trace?.Invoke($"sgr_step{step + 1}_edges", edges);
        return nodes;
    }

    /// <summary>
    /// SAF: applies the running-statistics updates that <see cref="ScoreCaptions(Tensor, Tensor, Tensor, Tensor, Tensor, Action{string, Tensor}?, List{NormStatistics}?)"/>
    /// deferred, in the order given (the official order is caption order).
    /// </summary>
    public void UpdateNormStatistics(IEnumerable<NormStatistics> statistics)
    {
        foreach (var s in statistics) SAF_module!.UpdateRunningStatistics(s);
    }

    /// <summary>Caption indices grouped by length, each group small enough for the working-set bound; one caption per group in training.</summary>
    public static IEnumerable<long[]> CaptionGroups(long[] lengths, long images, long embedSize, bool training)
    {
        if (training)
            return Enumerable.Range(0, lengths.Length).Select(j => new long[] { j });
        return Enumerable.Range(0, lengths.Length)
            .GroupBy(j => lengths[j])
            .SelectMany(byLength =>
            {
                long perCaption = Math.Max(1, images * byLength.Key * embedSize);
                int size = (int)Math.Clamp(WorkingSetElements / perCaption, 1, int.MaxValue);
                return byLength.Select(j => (long)j).Chunk(size);
            });
    }
}
