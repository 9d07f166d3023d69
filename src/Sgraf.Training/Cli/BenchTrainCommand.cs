using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Sgraf.Inference;
using Sgraf.Inference.Model;
using Sgraf.Inference.Text;
using Sgraf.Training.Model;
using Sgraf.Training.Training;
using static TorchSharp.torch;

namespace Sgraf.Training.Cli;

/// <summary>
/// <c>sgraf bench-train</c>: training throughput in captions per second. Full training steps — forward, the
/// hardest-negative loss, backward, clipping and Adam, exactly as <c>sgraf train</c> takes them — of a freshly
/// initialised model on random region features and random captions of one length, after one untimed warm-up step.
/// </summary>
internal static class BenchTrainCommand
{
    /// <summary>The official vocabulary size for Flickr30K (f30k_precomp_vocab.json): the size of the embedding Adam updates.</summary>
    const int VocabularySize = 8481;

    sealed record Request(SimilarityModule Module, int ImgDim, int WordDim, int EmbedSize, int SimDim, int BatchSize, int Words,
        int Threads, int Steps, bool Plain, bool BFloat16, int Seed, string? JsonPath);

    public static Command Create()
    {
        var module = new Option<string>("--model") { Description = "sgr or saf", Required = true };
        var imgDim = Value("--img-dim", 2048, "region feature size");
        var wordDim = Value("--word-dim", 300, "word embedding size");
        var embedSize = Value("--embed-size", 1024, "joint embedding size");
        var simDim = Value("--sim-dim", 256, "similarity vector size");
        var batchSize = Value("--batch-size", 128, "captions per step, each with its image");
        var words = Value("--words", 12, "tokens per caption, <start> and <end> included");
        var threads = Value("--threads", 1, "threads: torch intra-op threads, and the fast step's workers");
        var steps = Value("--steps", 3, "timed steps, after one warm-up step");
        var plain = new Option<bool>("--plain-step") { Description = "Take the gradients from one autograd graph over the batch, as the official code does" };
        var bfloat16 = new Option<bool>("--bfloat16") { Description = "Large matrix products in bfloat16 (CPUs with AVX-512 BF16 or AMX)" };
        var seed = Value("--seed", 1, "seed of the weights and the random batches");
        var json = new Option<string?>("--json") { Description = "Also write the settings and timings to this JSON file" };
        var command = new Command("bench-train", "Training throughput, captions/s: full training steps on random data")
        {
            module, imgDim, wordDim, embedSize, simDim, batchSize, words, threads, steps, plain, bfloat16, seed, json,
        };
        command.SetAction(parse => CommandRunner.Run(() => Run(new Request(
            ParseModule(parse.GetValue(module)!), parse.GetValue(imgDim), parse.GetValue(wordDim), parse.GetValue(embedSize),
            parse.GetValue(simDim), parse.GetValue(batchSize), parse.GetValue(words), parse.GetValue(threads), parse.GetValue(steps),
            parse.GetValue(plain), parse.GetValue(bfloat16), parse.GetValue(seed), parse.GetValue(json)))));
        return command;
    }

    static Option<int> Value(string name, int defaultValue, string description) =>
        new(name) { Description = $"{description} ({defaultValue})", DefaultValueFactory = _ => defaultValue };

    static SimilarityModule ParseModule(string name) => name.ToUpperInvariant() switch
    {
        "SGR" => SimilarityModule.SGR,
        "SAF" => SimilarityModule.SAF,
        _ => throw new InvalidInputException($"--model must be sgr or saf, got '{name}'"),
    };

    static int Run(Request request)
    {
        foreach (var (name, value) in new[] { ("--img-dim", request.ImgDim), ("--word-dim", request.WordDim), ("--embed-size", request.EmbedSize),
                     ("--sim-dim", request.SimDim), ("--threads", request.Threads), ("--steps", request.Steps) })
            if (value < 1) throw new InvalidInputException($"{name} must be at least 1, got {value}");
        if (request.BatchSize < 2) throw new InvalidInputException($"--batch-size must be at least 2 (the loss needs negatives), got {request.BatchSize}");
        if (request.Words < 2) throw new InvalidInputException($"--words must be at least 2 (<start> and <end>), got {request.Words}");

        var options = new TrainingOptions
        {
            Module = request.Module, BatchSize = request.BatchSize, WordDim = request.WordDim, EmbedSize = request.EmbedSize,
            SimDim = request.SimDim, Threads = request.Threads, PlainStep = request.Plain, BFloat16 = request.BFloat16, Seed = request.Seed,
        };
        options.Validate();
        set_num_threads(request.Threads);
        manual_seed(request.Seed);
        using var model = new SgrafModel(options.ModelConfig(request.ImgDim, VocabularySize));
        using var runner = new StepRunner(model, options);
        var random = new Random(request.Seed);
        string path = (request.Plain ? "plain step (one autograd graph)" : "fast step") + (request.BFloat16 ? ", bfloat16 products" : "");

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"bench-train: {request.Module}, img {request.ImgDim}, word {request.WordDim}, embed {request.EmbedSize}, sim {request.SimDim}, " +
            $"vocab {VocabularySize}; {request.BatchSize} captions of {request.Words} tokens per step; {path}; {request.Threads} thread(s); " +
            $"1 warm-up + {request.Steps} timed steps; {Environment.ProcessorCount} logical CPUs; TorchSharp {TorchVersion()}; " +
            $"{SingleMallocArena.Variable} {MallocArenaMax ?? "unset"}"));
        var seconds = CommandRunner.WithProgress($"{request.Module} training steps", task =>
        {
            task.MaxValue = 1 + request.Steps;
            var times = new List<(double Wall, double Cpu)>();
            using var process = Process.GetCurrentProcess();
            for (int step = 0; step <= request.Steps; step++)
            {
                using var scope = NewDisposeScope();
                var batch = RandomBatch(request, random);
                process.Refresh();
                var cpu = process.TotalProcessorTime;
                var clock = Stopwatch.StartNew();
                var loss = runner.Step(batch);
                if (!double.IsFinite(loss)) throw new InvalidOperationException($"step {step}: the loss is {loss}");
                process.Refresh();
                if (step > 0) times.Add((clock.Elapsed.TotalSeconds, (process.TotalProcessorTime - cpu).TotalSeconds));
                task.Increment(1);
            }
            return times;
        });

        double mean = seconds.Average(t => t.Wall), cpuMean = seconds.Average(t => t.Cpu), captionsPerSecond = request.BatchSize / mean;
        // CPU seconds say how much work a step is when other processes share the cores (wall time then counts waiting too).
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{request.Module} {path}, {request.Threads} thread(s): {mean:0.000} s per step (min {seconds.Min(t => t.Wall):0.000}, " +
            $"max {seconds.Max(t => t.Wall):0.000}), CPU {cpuMean:0.000} s per step, {captionsPerSecond:0.00} captions/s"));
        if (request.JsonPath is { } json)
            File.WriteAllText(json, JsonSerializer.Serialize(new
            {
                model = request.Module.ToString(), img_dim = request.ImgDim, word_dim = request.WordDim, embed_size = request.EmbedSize,
                sim_dim = request.SimDim, vocab_size = VocabularySize, batch_size = request.BatchSize, words = request.Words,
                threads = request.Threads, plain_step = request.Plain, bfloat16 = request.BFloat16, steps = request.Steps,
                seconds_per_step = seconds.Select(t => t.Wall).ToArray(), cpu_seconds_per_step = seconds.Select(t => t.Cpu).ToArray(),
                mean_seconds_per_step = mean, mean_cpu_seconds_per_step = cpuMean, captions_per_second = captionsPerSecond, logical_cpus = Environment.ProcessorCount,
                torchsharp = TorchVersion(), malloc_arena_max = MallocArenaMax,
            }, new JsonSerializerOptions { WriteIndented = true }) + "\n");
        return CommandRunner.Success;
    }

    static string? MallocArenaMax => Environment.GetEnvironmentVariable(SingleMallocArena.Variable);

    /// <summary>Non-negative region features (as BUTD features are) and captions of random in-vocabulary words.</summary>
    static TrainingBatch RandomBatch(Request request, Random random)
    {
        var images = rand(request.BatchSize, SgrafConfig.Regions, request.ImgDim);
        var ids = new long[request.BatchSize * request.Words];
        for (int b = 0; b < request.BatchSize; b++)
        {
            ids[b * request.Words] = Vocabulary.StartId;
            for (int t = 1; t < request.Words - 1; t++) ids[b * request.Words + t] = random.Next(Vocabulary.UnknownId + 1, VocabularySize);
            ids[(b + 1) * request.Words - 1] = Vocabulary.EndId;
        }
        var lengths = Enumerable.Repeat((long)request.Words, request.BatchSize).ToArray();
        return new TrainingBatch(images, tensor(ids, [request.BatchSize, request.Words]), tensor(lengths), lengths);
    }

    static string TorchVersion() => typeof(TorchSharp.torch).Assembly.GetName().Version?.ToString(3) ?? "?";
}
