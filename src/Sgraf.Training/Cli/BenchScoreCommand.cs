using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Sgraf.Inference;
using Sgraf.Inference.Model;
using Sgraf.Inference.Runtime;
using Sgraf.Inference.Text;
using Sgraf.Training.Checkpoints;
using Sgraf.Training.Model;
using Sgraf.Training.Onnx;
using Sgraf.Training.Shortlist;
using Spectre.Console;
using static TorchSharp.torch;

namespace Sgraf.Training.Cli;

/// <summary>
/// <c>sgraf bench-score</c>: image × caption scoring throughput (pairs per second) of a bundle's SGR and SAF models through
/// ONNX Runtime and through the TorchSharp models they were exported from, side by side on the same random inputs, with
/// the ratio to the official PyTorch code (spec §18). Only scoring is timed, after a warm-up call: both sides start from
/// encoded regions and words. The TorchSharp side also computes the image and caption global vectors (as the official
/// forward_sim does); ONNX Runtime gets them from its encoders.
/// </summary>
internal static class BenchScoreCommand
{
    /// <summary>The official code at full size, 12-token captions, 100 images × 50 captions per call, one thread, OpenBLAS (spec §18).</summary>
    static readonly Dictionary<SimilarityModule, double> OfficialPairsPerSecond = new()
    {
        [SimilarityModule.SGR] = 2249,
        [SimilarityModule.SAF] = 3653,
    };

    sealed record Request(string? BundlePath, bool RandomFullSize, string[] ModelPaths, int Images, int Captions, int Words,
        int Threads, int Repeat, long? ChunkElements, int? Parallel, bool SkipTorch, int Seed, string? SaveBundle, DeviceRequest Device);

    public static Command Create()
    {
        var bundle = new Option<string?>("--bundle") { Description = "ONNX bundle (sgraf export-onnx) to benchmark" };
        var randomFullSize = new Option<bool>("--random-full-size")
        {
            Description = "Build a full-size random SGR + SAF pair (img 2048, embed 1024, sim 256, word 300, vocab 8481) and its bundle, with an untrained shortlist head, in a temporary folder",
        };
        var models = new Option<string[]>("--model")
        {
            Description = "TorchSharp side: the bundle's checkpoints (default: the manifest's source checkpoints)",
            Arity = new ArgumentArity(1, 2),
        };
        var images = Value("--images", 100, "images per scoring call");
        var captions = Value("--captions", 50, "captions per scoring call");
        var words = Value("--words", 12, "tokens per caption, <start> and <end> included");
        var threads = Value("--threads", 1, "threads for ONNX Runtime (intra-op) and TorchSharp");
        var repeat = Value("--repeat", 5, "timed scoring calls per model and backend, after one warm-up call");
        var chunk = new Option<long?>("--chunk-elements")
        {
            Description = "ONNX Runtime score chunk bound, images × captions × words × embed_size floats (default: the runtime's)",
        };
        var parallel = new Option<int?>("--parallel-chunks")
        {
            Description = "ONNX Runtime score chunks run side by side, each on threads / parallel-chunks intra-op threads (default: --threads)",
        };
        var saveBundle = new Option<string?>("--save-bundle") { Description = "With --random-full-size: write its bundle here and keep it" };
        var onnxOnly = new Option<bool>("--onnx-only") { Description = "Skip the TorchSharp side" };
        var seed = Value("--seed", 1, "seed of the random inputs (and of the --random-full-size weights)");
        var device = DeviceOption.Create();
        var command = new Command("bench-score", "Scoring throughput, pairs/s: ONNX Runtime vs TorchSharp vs the official code")
        {
            bundle, randomFullSize, models, images, captions, words, threads, repeat, chunk, parallel, onnxOnly, seed, saveBundle, device,
        };
        command.SetAction(parse => CommandRunner.Run(() => Run(new Request(
            parse.GetValue(bundle), parse.GetValue(randomFullSize), parse.GetValue(models) ?? [], parse.GetValue(images),
            parse.GetValue(captions), parse.GetValue(words), parse.GetValue(threads), parse.GetValue(repeat), parse.GetValue(chunk),
            parse.GetValue(parallel), parse.GetValue(onnxOnly), parse.GetValue(seed), parse.GetValue(saveBundle), parse.GetValue(device)))));
        return command;
    }

    static Option<int> Value(string name, int defaultValue, string description) =>
        new(name) { Description = $"{description} ({defaultValue})", DefaultValueFactory = _ => defaultValue };

    static int Run(Request request)
    {
        if ((request.BundlePath is not null) == request.RandomFullSize)
            throw new InvalidInputException("give either --bundle BUNDLE or --random-full-size");
        if (request.RandomFullSize && request.ModelPaths.Length > 0)
            throw new InvalidInputException("--model goes with --bundle; --random-full-size makes its own models");
        if (request.SaveBundle is not null && !request.RandomFullSize)
            throw new InvalidInputException("--save-bundle goes with --random-full-size");
        foreach (var (name, value) in new[] { ("--images", request.Images), ("--captions", request.Captions), ("--words", request.Words),
                     ("--threads", request.Threads), ("--repeat", request.Repeat) })
            if (value < 1) throw new InvalidInputException($"{name} must be at least 1, got {value}");
        int parallelChunks = request.Parallel ?? request.Threads;
        if (parallelChunks < 1 || request.Threads % parallelChunks != 0)
            throw new InvalidInputException($"--parallel-chunks must divide --threads ({request.Threads}), got {parallelChunks}");
        if (request.ChunkElements is < 1) throw new InvalidInputException($"--chunk-elements must be at least 1, got {request.ChunkElements}");

        string? temporary = null;
        var models = new Dictionary<SimilarityModule, SgrafModel>();
        try
        {
            string bundlePath;
            if (request.RandomFullSize)
            {
                temporary = Directory.CreateTempSubdirectory("sgraf-bench-").FullName;
                bundlePath = RandomFullSizeBundle(temporary, request.SaveBundle ?? Path.Combine(temporary, "bundle"), request.Seed, models);
            }
            else
            {
                bundlePath = request.BundlePath!;
            }
            var runtimeOptions = new SgrafRuntimeOptions
            {
                IntraOpThreads = request.Threads / parallelChunks, ScoreParallelism = parallelChunks, Device = request.Device,
            };
            if (request.ChunkElements is { } elements) runtimeOptions = runtimeOptions with { MaxScoreChunkElements = elements };
            using var runtime = DeviceOption.Open(bundlePath, runtimeOptions);
            if (!request.SkipTorch && !request.RandomFullSize) LoadModels(runtime.Bundle, request.ModelPaths, models);
            Bench(runtime, request.SkipTorch ? [] : models, request);
            return CommandRunner.Success;
        }
        finally
        {
            foreach (var model in models.Values) model.Dispose();
            if (temporary is not null) Directory.Delete(temporary, recursive: true);
        }
    }

    static void Bench(SgrafRuntime runtime, Dictionary<SimilarityModule, SgrafModel> models, Request request)
    {
        var bundle = runtime.Bundle;
        int pairs = request.Images * request.Captions;
        var random = new Random(request.Seed);
        var features = new float[(long)request.Images * SgrafConfig.Regions * bundle.ImgDim];
        for (long k = 0; k < features.Length; k++) features[k] = random.NextSingle();   // BUTD features are non-negative
        var tokenIds = Enumerable.Range(0, request.Captions).Select(_ => RandomCaption(random, request.Words, bundle.Vocabulary.Count)).ToArray();

        set_num_threads(request.Threads);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"bench-score: {request.Images} images × {request.Captions} captions × {request.Words} tokens = {pairs} pairs per call; " +
            $"{request.Repeat} timed calls after 1 warm-up; {request.Threads} thread(s); {Environment.ProcessorCount} logical CPUs"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"ONNX Runtime: {runtime.Options.ScoreParallelism} score chunk(s) at a time × {runtime.Options.IntraOpThreads} intra-op thread(s), chunks ≤ {runtime.Options.MaxScoreChunkElements} floats"));
        foreach (var module in bundle.Modules)
            Console.WriteLine($"{BundleManifest.ModuleName(module)} dims: {bundle.Module(module).DimensionsKey()}");
        Console.WriteLine($"ONNX Runtime {OrtVersion()}, {runtime.Device}; TorchSharp {TorchVersion()}" +
            (models.Count == 0 ? " (skipped)" : ""));

        var results = CommandRunner.WithProgress($"scoring {pairs} pairs per call", task =>
        {
            task.MaxValue = bundle.Modules.Count * (1 + request.Repeat) * (models.Count > 0 ? 2 : 1);
            var imageEmbeddings = runtime.EncodeImages(features, request.Images);
            var captionEmbeddings = runtime.EncodeTokenIds(tokenIds);
            return bundle.Modules.Select(module =>
            {
                var (ortRate, ortScores) = Time(request.Repeat, () => runtime.Score(imageEmbeddings, captionEmbeddings, module).Values, task);
                double? torchRate = null, maxError = null;
                if (models.TryGetValue(module, out var model))
                {
                    var (rate, torchScores) = TimeTorch(model, features, tokenIds, request, task);
                    torchRate = rate;
                    maxError = ortScores.Zip(torchScores, (a, b) => Math.Abs(a - b)).Max();
                }
                return (Module: module, Ort: ortRate * pairs, Torch: torchRate * pairs, MaxError: maxError);
            }).ToArray();
        });

        foreach (var (module, ort, torch, maxError) in results)
        {
            var line = string.Create(CultureInfo.InvariantCulture, $"{module}: ONNX Runtime {ort,7:0} pairs/s");
            if (torch is { } t)
                line += string.Create(CultureInfo.InvariantCulture,
                    $" | TorchSharp {t,7:0} pairs/s | ONNX Runtime / TorchSharp {ort / t:0.00}× | max |score difference| {maxError:0.0E+0}");
            if (IsFullSize(bundle.Module(module)))
            {
                double official = OfficialPairsPerSecond[module];
                line += string.Create(CultureInfo.InvariantCulture, $" | official {official:0} pairs/s: ONNX Runtime {ort / official:0.00}×");
                if (torch is { } t2) line += string.Create(CultureInfo.InvariantCulture, $", TorchSharp {t2 / official:0.00}×");
            }
            Console.WriteLine(line);
        }
        if (!bundle.Modules.All(m => IsFullSize(bundle.Module(m))))
            Console.WriteLine("(no ratio to the official code: its figures are for full-size models, img 2048, embed 1024, sim 256, word 300)");
        else if (request is not { Images: 100, Captions: 50, Words: 12 })
            Console.WriteLine("(the official figures are for 100 images × 50 captions of 12 tokens per call)");
    }

    /// <returns>Calls per second, and the scores of the last call.</returns>
    static (double Rate, double[] Scores) Time(int repeat, Func<double[]> call, ProgressTask task)
    {
        var scores = call();          // warm-up: first-run allocations, thread pool start, caches
        task.Increment(1);
        var clock = Stopwatch.StartNew();
        for (int k = 0; k < repeat; k++)
        {
            scores = call();
            task.Increment(1);
        }
        return (repeat / clock.Elapsed.TotalSeconds, scores);
    }

    static (double Rate, double[] Scores) TimeTorch(SgrafModel model, float[] features, int[][] tokenIds, Request request, ProgressTask task)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var regions = model.EncodeImages(tensor(features, [request.Images, SgrafConfig.Regions, model.Config.ImgDim]));
        var (ids, lengths) = TokenBatch.Pad(tokenIds);
        var words = model.EncodeCaptions(ids, lengths);
        var lengthArray = lengths.data<long>().ToArray();
        return Time(request.Repeat, () =>
        {
            using var callScope = NewDisposeScope();
            return model.Score(regions, words, lengthArray).to_type(ScalarType.Float64).contiguous().data<double>().ToArray();
        }, task);
    }

    static int[] RandomCaption(Random random, int length, int vocabularySize)
    {
        var ids = new int[length];
        for (int t = 0; t < length; t++) ids[t] = random.Next(Vocabulary.UnknownId + 1, vocabularySize);
        ids[0] = Vocabulary.StartId;
        if (length > 1) ids[^1] = Vocabulary.EndId;
        return ids;
    }

    /// <summary>The TorchSharp models of the bundle: --model paths, or the source checkpoints its manifest records.</summary>
    static void LoadModels(SgrafBundle bundle, string[] paths, Dictionary<SimilarityModule, SgrafModel> models)
    {
        var sources = paths.Length > 0
            ? paths
            : bundle.Modules.Select(m => bundle.Module(m).SourceCheckpoint).ToArray();
        foreach (var path in sources)
        {
            if (!Directory.Exists(path) && !File.Exists(path))
                throw InvalidInputException.InFile(path,
                    "the bundle's source checkpoint is not here; give the checkpoints with --model, or --onnx-only");
            var checkpoint = ModelSource.Read(path);
            var module = checkpoint.Config.Module;
            if (!bundle.Modules.Contains(module)) throw InvalidInputException.InFile(path, $"is an {module} model, which the bundle does not hold");
            var expected = bundle.Module(module).DimensionsKey();
            var actual = BundleModule.From(checkpoint.Config, path).DimensionsKey();
            if (actual != expected) throw InvalidInputException.InFile(path, $"has dimensions ({actual}) but the bundle's {module} has ({expected})");
            models[module] = ModelSource.Instantiate(checkpoint);
        }
        var missing = bundle.Modules.Where(m => !models.ContainsKey(m)).ToArray();
        if (missing.Length > 0) throw new InvalidInputException($"--model: no {string.Join(" or ", missing)} checkpoint for the bundle's {string.Join(" + ", missing)} model");
    }

    /// <summary>
    /// Full-size random SGR and SAF models (Xavier weights, random eval-mode BatchNorm statistics) and their bundle, with an
    /// untrained shortlist head of the size recommended for full-size models (its vectors rank at random, but cost what a
    /// trained head of that size costs).
    /// </summary>
    static string RandomFullSizeBundle(string directory, string bundlePath, int seed, Dictionary<SimilarityModule, SgrafModel> models)
    {
        const int vocabularySize = 8481;
        var vocabularyPath = Path.Combine(directory, "vocab.json");
        Vocabulary.Build(Enumerable.Range(0, vocabularySize - 4).Select(i => $"w{i}")).Save(vocabularyPath);
        var sources = new List<ExportSource>();
        foreach (var module in new[] { SimilarityModule.SGR, SimilarityModule.SAF })
        {
            var config = new SgrafConfig
            {
                Module = module, VocabSize = vocabularySize, ImgDim = 2048, WordDim = 300, EmbedSize = 1024, SimDim = 256,
            };
            manual_seed(seed + (int)module);
            var model = new SgrafModel(config);
            models[module] = model;
            RandomBatchNorm.Apply(model);
            model.eval();
            var name = $"random full-size {module}";
            sources.Add(new ExportSource(new ModelCheckpoint(config, ModelWeights.FromFlat(ModuleWeights.Save(model), name)), name));
        }
        manual_seed(seed);
        // The size recommended for full-size bundles (ShortlistTrainingOptions): 3.9M parameters.
        var fullSize = new ShortlistTrainingOptions { Hidden = 512, Dim = 256 };
        using var head = new ShortlistHead(fullSize.HeadConfig(["sgr", "saf"], 2 * 1024));
        var headName = "random full-size shortlist head";
        var shortlist = new ShortlistSource(ShortlistCheckpoint.From(head, new ShortlistProvenance
        {
            Bundle = bundlePath, EmbeddingsHash = "", Data = "none (untrained)", Epoch = 0, TrainedAt = DateTimeOffset.UtcNow,
        }), headName);
        BundleExporter.Export(sources, vocabularyPath, bundlePath, DateTimeOffset.UtcNow, shortlist);
        return bundlePath;
    }

    static bool IsFullSize(BundleModule m) => m is { ImgDim: 2048, EmbedSize: 1024, SimDim: 256, WordDim: 300 };

    static string OrtVersion() =>
        typeof(Microsoft.ML.OnnxRuntime.InferenceSession).Assembly.GetName().Version?.ToString(3) ?? "?";

    static string TorchVersion() => typeof(TorchSharp.torch).Assembly.GetName().Version?.ToString(3) ?? "?";
}
