using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;
using Sgraf.Inference.Evaluation;
using Sgraf.Inference.Model;
using Sgraf.Inference.Text;

namespace Sgraf.Inference.Runtime;

/// <summary>
/// Scores images against captions with an ONNX bundle through ONNX Runtime: encodes images (region features) and
/// captions (text or token ids) once, then scores every image × caption pair in chunks that bound memory.
/// With both models in the bundle, the score is SGRAF: the mean of SGR and SAF (spec §9).
/// Safe for concurrent callers: it holds only immutable state and ONNX Runtime sessions, whose Run is thread-safe.
/// Owns its sessions; dispose it to release them.
/// </summary>
public sealed partial class SgrafRuntime : IDisposable
{
    readonly SgrafRuntimeOptions options;
    readonly InferenceSession imageEncoder;
    readonly InferenceSession textEncoder;
    readonly Dictionary<SimilarityModule, InferenceSession> similarity = [];

    SgrafRuntime(SgrafBundle bundle, SgrafRuntimeOptions options, DeviceChoice device)
    {
        Bundle = bundle;
        this.options = options;
        DeviceChoice = device;
        var sessions = new List<InferenceSession>();
        try
        {
            using var sessionOptions = OrtSessions.CreateOptions(device.Device, options.CudaDeviceId, options.IntraOpThreads);
            imageEncoder = Load(BundleManifest.ImageEncoderFile, bundle.Modules, sessionOptions);
            textEncoder = Load(BundleManifest.TextEncoderFile, bundle.Modules, sessionOptions);
            foreach (var module in bundle.Modules)
                similarity[module] = Load(BundleManifest.SimilarityFile(BundleManifest.ModuleName(module)), [module], sessionOptions);
            CanExplain = HasExplanationOutputs(bundle, similarity);
            // The head's hidden layer is wide (36 regions × 1024 per image): ONNX Runtime's arena grew to 128 MB for one
            // batch of a replay or an upload and kept it for good (78 MB of a 150 MB restarted service). Without the
            // arena, each run's buffers go back when it ends.
            sessionOptions.EnableCpuMemArena = false;
            Shortlist = bundle.Shortlist is null ? null : new ShortlistEncoder(bundle, sessionOptions, options.EncodeBatchSize);
            sessionOptions.EnableCpuMemArena = true;
        }
        catch
        {
            foreach (var session in sessions) session.Dispose();
            throw;
        }

        InferenceSession Load(string file, IEnumerable<SimilarityModule> modules, SessionOptions sessionOptions)
        {
            var path = bundle.PathOf(file);
            InferenceSession session;
            try
            {
                session = new InferenceSession(path, sessionOptions);
            }
            catch (OnnxRuntimeException e)
            {
                throw InvalidInputException.InFile(path, $"ONNX Runtime cannot load the graph: {e.Message}");
            }
            sessions.Add(session);
            var metadata = session.ModelMetadata.CustomMetadataMap;
            foreach (var module in modules)
            {
                var name = BundleManifest.ModuleName(module);
                var expected = bundle.Module(module).DimensionsKey();
                if (!metadata.TryGetValue(BundleManifest.MetadataKey(name), out var actual) || actual != expected)
                    throw InvalidInputException.InFile(bundle.PathOf(BundleManifest.FileName),
                        $"the manifest's {name} dimensions ({expected}) do not match {file}, which was exported with ({actual ?? "no " + name + " model"})");
            }
            return session;
        }
    }

    public SgrafBundle Bundle { get; }

    public SgrafRuntimeOptions Options => options;

    /// <summary>The device the sessions run on (the CPU when CUDA was asked for but cannot run here).</summary>
    public ExecutionDevice Device => DeviceChoice.Device;

    /// <summary>The device the sessions run on, and why.</summary>
    public DeviceChoice DeviceChoice { get; private set; }

    public IReadOnlyList<SimilarityModule> Modules => Bundle.Modules;

    /// <summary>The bundle's shortlist head, or null when it has none (every search is then exhaustive).</summary>
    public ShortlistEncoder? Shortlist { get; }

    /// <summary>Opens and verifies the bundle in <paramref name="directory"/>, then loads its graphs.</summary>
    /// <exception cref="InvalidInputException">The bundle is incomplete, corrupt, or its files do not match its manifest.</exception>
    public static SgrafRuntime Open(string directory, SgrafRuntimeOptions? options = null, ILogger? logger = null) =>
        Create(SgrafBundle.Open(directory), options, logger);

    public static SgrafRuntime Create(SgrafBundle bundle, SgrafRuntimeOptions? options = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        options ??= new SgrafRuntimeOptions();
        options.Validate();
        logger ??= NullLogger.Instance;
        var device = CudaAvailability.Choose(options.Device, options.CudaDeviceId);
        SgrafRuntime? runtime = null;
        if (device.Device == ExecutionDevice.Cuda)
        {
            try
            {
                runtime = new SgrafRuntime(bundle, options, device);
            }
            catch (Exception cuda) when (cuda is OnnxRuntimeException or InvalidInputException)
            {
                // On the CPU the same graphs either load, and the device was the problem, or fail again with the bundle's own error.
                runtime = new SgrafRuntime(bundle, options, new DeviceChoice(ExecutionDevice.Cpu, cuda.Message));
                runtime.DeviceChoice = device = CudaAvailability.DeviceFailed(options.Device, options.CudaDeviceId, cuda);
            }
        }
        runtime ??= new SgrafRuntime(bundle, options, device);
        RuntimeLog.DeviceChosen(logger, options.Device == DeviceRequest.Cuda && device.Device != ExecutionDevice.Cuda ? LogLevel.Warning : LogLevel.Information,
            device.Device.ToString(), device.Reason);
        RuntimeLog.BundleLoaded(logger, bundle.Directory, string.Join("+", bundle.Modules), device.Device.ToString(), options.IntraOpThreads);
        if (runtime.Shortlist is null) RuntimeLog.NoShortlistHead(logger, bundle.Directory);
        return runtime;
    }

    /// <summary>Encodes <paramref name="count"/> images given as region features, image by image: count × 36 × img_dim floats.</summary>
    public ImageEmbeddings EncodeImages(ReadOnlySpan<float> features, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        int imgDim = Bundle.ImgDim, perImage = SgrafConfig.Regions * imgDim;
        if (features.Length != (long)count * perImage)
            throw new ArgumentException($"{count} images need {(long)count * perImage} floats (36 regions × {imgDim}), got {features.Length}", nameof(features));
        var result = Bundle.Modules.ToDictionary(m => m, m =>
        {
            int d = Bundle.Module(m).EmbedSize;
            return (Regions: new float[(long)count * SgrafConfig.Regions * d], Globals: new float[(long)count * d], EmbedSize: d);
        });
        for (int start = 0; start < count; start += options.EncodeBatchSize)
        {
            int n = Math.Min(options.EncodeBatchSize, count - start);
            using var input = OrtTensors.Float(features.Slice(start * perImage, n * perImage), [n, SgrafConfig.Regions, imgDim]);
            var outputNames = Bundle.Modules.SelectMany(m => new[] { $"{BundleManifest.ModuleName(m)}_regions", $"{BundleManifest.ModuleName(m)}_image_global" }).ToArray();
            using var runOptions = new RunOptions();
            using var outputs = imageEncoder.Run(runOptions, ["region_features"], [input], outputNames);
            int k = 0;
            foreach (var module in Bundle.Modules)
            {
                var encoding = result[module];
                int d = encoding.EmbedSize;
                outputs[k++].GetTensorDataAsSpan<float>().CopyTo(encoding.Regions.AsSpan(start * SgrafConfig.Regions * d, n * SgrafConfig.Regions * d));
                outputs[k++].GetTensorDataAsSpan<float>().CopyTo(encoding.Globals.AsSpan(start * d, n * d));
            }
        }
        return new ImageEmbeddings(count, result.ToDictionary(e => e.Key, e => new ImageEncoding(e.Value.Regions, e.Value.Globals, e.Value.EmbedSize)));
    }

    /// <summary>Tokenizes captions as the official data loader does (spec §11) with the bundle's vocabulary, then encodes them.</summary>
    public CaptionEmbeddings EncodeCaptions(IReadOnlyList<string> captions)
    {
        ArgumentNullException.ThrowIfNull(captions);
        return EncodeTokenIds(captions.Select(c => CaptionTokenizer.Encode(c, Bundle.Vocabulary)).ToArray());
    }

    /// <summary>
    /// Encodes captions given as token ids, &lt;start&gt; and &lt;end&gt; included; each needs at least one id. Captions with
    /// the same ids are encoded once and share one encoding (the same word array), so they score identically.
    /// </summary>
    public CaptionEmbeddings EncodeTokenIds(IReadOnlyList<int[]> tokenIds)
    {
        ArgumentNullException.ThrowIfNull(tokenIds);
        int vocabularySize = Bundle.Vocabulary.Count;
        for (int j = 0; j < tokenIds.Count; j++)
        {
            if (tokenIds[j] is not { Length: > 0 } ids) throw new ArgumentException($"caption {j} has no tokens", nameof(tokenIds));
            foreach (var id in ids)
                if (id < 0 || id >= vocabularySize)
                    throw new ArgumentException($"caption {j} has token id {id}, outside the vocabulary's 0..{vocabularySize - 1}", nameof(tokenIds));
        }
        int count = tokenIds.Count;
        var lengths = tokenIds.Select(t => t.Length).ToArray();
        var words = Bundle.Modules.ToDictionary(m => m, _ => new float[count][]);
        var globals = Bundle.Modules.ToDictionary(m => m, m => new float[(long)count * Bundle.Module(m).EmbedSize]);
        // Without this, copies of a caption in different batches differ in the last bits (the kernels' sums depend on
        // the batch), and so would their scores.
        var firstCopy = new int[count];
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int j = 0; j < count; j++)
        {
            var key = string.Join(',', tokenIds[j]);
            firstCopy[j] = seen.TryAdd(key, j) ? j : seen[key];
        }
        // Captions of similar length share a batch, so little is spent on padding.
        var order = Enumerable.Range(0, count).Where(j => firstCopy[j] == j).OrderBy(j => lengths[j]).ToArray();
        foreach (var batch in order.Chunk(options.EncodeBatchSize))
        {
            int b = batch.Length, maxLength = batch.Max(j => lengths[j]);
            using var ids = OrtTensors.Int64([b, maxLength], span =>
            {
                for (int i = 0; i < b; i++)
                    for (int t = 0; t < lengths[batch[i]]; t++) span[i * maxLength + t] = tokenIds[batch[i]][t];
            });
            using var lengthTensor = OrtTensors.Int64([b], span => { for (int i = 0; i < b; i++) span[i] = lengths[batch[i]]; });
            var outputNames = Bundle.Modules.SelectMany(m => new[] { $"{BundleManifest.ModuleName(m)}_words", $"{BundleManifest.ModuleName(m)}_caption_global" }).ToArray();
            using var runOptions = new RunOptions();
            using var outputs = textEncoder.Run(runOptions, ["token_ids", "lengths"], [ids, lengthTensor], outputNames);
            int k = 0;
            foreach (var module in Bundle.Modules)
            {
                int d = Bundle.Module(module).EmbedSize;
                var batchWords = outputs[k++].GetTensorDataAsSpan<float>();
                var batchGlobals = outputs[k++].GetTensorDataAsSpan<float>();
                for (int i = 0; i < b; i++)
                {
                    int j = batch[i];
                    words[module][j] = batchWords.Slice(i * maxLength * d, lengths[j] * d).ToArray();
                    batchGlobals.Slice(i * d, d).CopyTo(globals[module].AsSpan(j * d, d));
                }
            }
        }
        for (int j = 0; j < count; j++)
        {
            int first = firstCopy[j];
            if (first == j) continue;
            foreach (var module in Bundle.Modules)
            {
                int d = Bundle.Module(module).EmbedSize;
                words[module][j] = words[module][first];
                globals[module].AsSpan(first * d, d).CopyTo(globals[module].AsSpan(j * d, d));
            }
        }
        return new CaptionEmbeddings(lengths, Bundle.Modules.ToDictionary(m => m,
            m => new CaptionEncoding(words[m], globals[m], Bundle.Module(m).EmbedSize)));
    }

    /// <summary>Images × captions scores of the bundle: SGRAF (the mean of SGR and SAF) when it holds both, else its one model.</summary>
    /// <param name="parallelism">Score chunks run side by side in this call, at least 1; null: <see cref="SgrafRuntimeOptions.ScoreParallelism"/>.
    /// A caller running several calls at once gives each a share of the cores, so together they do not oversubscribe them.</param>
    public ScoreMatrix Score(ImageEmbeddings images, CaptionEmbeddings captions, int? parallelism = null) =>
        SgrafEnsemble.Average(Bundle.Modules.Select(m => Score(images, captions, m, parallelism)).ToArray());

    /// <summary>Images × captions scores of one model of the bundle.</summary>
    /// <param name="parallelism">As for <see cref="Score(ImageEmbeddings, CaptionEmbeddings, int?)"/>.</param>
    public ScoreMatrix Score(ImageEmbeddings images, CaptionEmbeddings captions, SimilarityModule module, int? parallelism = null)
    {
        ArgumentNullException.ThrowIfNull(images);
        return Score(ScoredImages.InPlace(images), captions, module, parallelism);
    }

    /// <summary>
    /// Scores of scattered images (each a source set and an index in it, e.g. a shortlist drawn from gallery segments)
    /// against captions: the bundle's score, SGRAF when it holds both models. Each score chunk copies only its own
    /// images, straight into ONNX Runtime's memory, so no packed copy of all of them is made first.
    /// </summary>
    /// <param name="parallelism">As for <see cref="Score(ImageEmbeddings, CaptionEmbeddings, int?)"/>.</param>
    public ScoreMatrix Score(IReadOnlyList<(ImageEmbeddings Source, int Index)> images, CaptionEmbeddings captions, int? parallelism = null) =>
        SgrafEnsemble.Average(Bundle.Modules.Select(m => Score(images, captions, m, parallelism)).ToArray());

    /// <summary>Scores of scattered images against captions with one model of the bundle.</summary>
    /// <param name="parallelism">As for <see cref="Score(ImageEmbeddings, CaptionEmbeddings, int?)"/>.</param>
    public ScoreMatrix Score(IReadOnlyList<(ImageEmbeddings Source, int Index)> images, CaptionEmbeddings captions, SimilarityModule module, int? parallelism = null)
    {
        ArgumentNullException.ThrowIfNull(images);
        return Score(ScoredImages.Scattered(images), captions, module, parallelism);
    }

    ScoreMatrix Score(ScoredImages images, CaptionEmbeddings captions, SimilarityModule module, int? parallelism)
    {
        ArgumentNullException.ThrowIfNull(captions);
        if (parallelism is { } given) ArgumentOutOfRangeException.ThrowIfNegativeOrZero(given, nameof(parallelism));
        int spread = parallelism ?? options.ScoreParallelism;
        if (!similarity.TryGetValue(module, out var session))
            throw new ArgumentException($"the bundle has no {module} model", nameof(module));
        if (!images.Has(module) || !captions.Encodings.TryGetValue(module, out var caption))
            throw new ArgumentException($"the embeddings were not made by this bundle's {module} encoders");
        // Copies of a caption (one shared encoding) are scored once, so they also get bit-identical scores.
        var (distinct, of) = captions.Deduplicate();
        if (distinct.Count < captions.Count)
        {
            var once = Score(images, distinct, module, spread);
            var expanded = new double[(long)images.Count * captions.Count];
            for (int i = 0; i < images.Count; i++)
                for (int j = 0; j < captions.Count; j++) expanded[(long)i * captions.Count + j] = once[i, of[j]];
            return new ScoreMatrix(images.Count, captions.Count, expanded);
        }
        var scores = new double[(long)images.Count * captions.Count];
        if (scores.Length == 0) return new ScoreMatrix(images.Count, captions.Count, scores);

        int d = caption.EmbedSize;
        var order = Enumerable.Range(0, captions.Count).OrderBy(j => captions.Lengths[j]).ToArray();
        long longest = captions.Lengths.Max();
        // Within the element bound, and in at least `spread` parts when the images allow it: a query's shortlist
        // of a few hundred images fits one chunk, which would leave all but one core idle.
        long byBound = options.MaxScoreChunkElements / (longest * d);
        long bySpread = (images.Count + spread - 1) / spread;
        int imageChunk = (int)Math.Clamp(Math.Min(byBound, bySpread), 1, images.Count);
        var chunks = new List<(int FirstImage, int Images, int[] Captions)>();
        for (int i0 = 0; i0 < images.Count; i0 += imageChunk)
        {
            int n = Math.Min(imageChunk, images.Count - i0);
            for (int start = 0; start < order.Length;)
            {
                // Captions in ascending length: the chunk is padded to its last caption's length.
                int end = start + 1;
                while (end < order.Length && (long)(end - start + 1) * n * captions.Lengths[order[end]] * d <= options.MaxScoreChunkElements) end++;
                chunks.Add((i0, n, order[start..end]));
                start = end;
            }
        }
        // Chunks write disjoint scores, so they may run side by side (each ONNX Runtime call then uses its own threads).
        Parallel.ForEach(chunks, new ParallelOptions { MaxDegreeOfParallelism = spread },
            chunk => ScoreChunk(session, images, module, caption, captions.Lengths, chunk.Captions, chunk.Images, chunk.FirstImage, captions.Count, scores));
        return new ScoreMatrix(images.Count, captions.Count, scores);
    }

    static void ScoreChunk(InferenceSession session, ScoredImages images, SimilarityModule module, CaptionEncoding caption,
        IReadOnlyList<int> lengths, int[] chunk, int count, int firstImage, int totalCaptions, double[] scores)
    {
        int c = chunk.Length;
        using var outputs = RunSimilarity(session, images, module, caption, lengths, chunk, count, firstImage, [BundleManifest.ScoresOutput]);
        var values = outputs[0].GetTensorDataAsSpan<float>();
        for (int i = 0; i < count; i++)
            for (int k = 0; k < c; k++)
                scores[(long)(firstImage + i) * totalCaptions + chunk[k]] = values[i * c + k];
    }

    /// <summary>
    /// Runs a similarity graph on images first … first + count − 1 against the captions at <paramref name="chunk"/> (ascending
    /// length; padded to the last one's) and returns the <paramref name="outputNames"/> asked for; the caller disposes them.
    /// </summary>
    static IDisposableReadOnlyCollection<OrtValue> RunSimilarity(InferenceSession session, ScoredImages images, SimilarityModule module,
        CaptionEncoding caption, IReadOnlyList<int> lengths, int[] chunk, int count, int firstImage, string[] outputNames)
    {
        int c = chunk.Length, d = caption.EmbedSize, maxLength = lengths[chunk[^1]];
        var (regions, imageGlobal) = images.Tensors(module, firstImage, count);
        using var regionsValue = regions;
        using var imageGlobalValue = imageGlobal;
        using var words = OrtTensors.Float([c, maxLength, d], span =>
        {
            for (int k = 0; k < c; k++) caption.Words[chunk[k]].CopyTo(span.Slice(k * maxLength * d));
        });
        using var lengthTensor = OrtTensors.Int64([c], span => { for (int k = 0; k < c; k++) span[k] = lengths[chunk[k]]; });
        using var captionGlobal = OrtTensors.Float([c, d], span =>
        {
            for (int k = 0; k < c; k++) caption.Globals.AsSpan(chunk[k] * d, d).CopyTo(span.Slice(k * d));
        });
        using var runOptions = new RunOptions();
        return session.Run(runOptions, ["regions", "image_global", "words", "lengths", "caption_global"],
            [regions, imageGlobal, words, lengthTensor, captionGlobal], outputNames);
    }

    public void Dispose()
    {
        imageEncoder.Dispose();
        textEncoder.Dispose();
        foreach (var session in similarity.Values) session.Dispose();
        Shortlist?.Dispose();
    }
}
