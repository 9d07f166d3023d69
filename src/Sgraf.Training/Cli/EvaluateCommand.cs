using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Sgraf.Inference;
using Sgraf.Inference.Data;
using Sgraf.Inference.Evaluation;
using Sgraf.Inference.Runtime;
using Sgraf.Inference.Text;
using Sgraf.Training.Checkpoints;
using Sgraf.Training.Evaluation;

namespace Sgraf.Training.Cli;

/// <summary>
/// <c>sgraf evaluate</c>: the official evalrank (spec §13) for one model, the SGRAF average of two, or an ONNX bundle;
/// optionally the hard-negative probe and the global-only baseline.
/// </summary>
internal static class EvaluateCommand
{
    sealed record Request(
        string[] ModelPaths, string? BundlePath, string DataDir, string Split, bool Fold5, string? SimsOut, string? JsonOut,
        string? VocabPath, string? ProbePath, bool GlobalOnly, int[]? Shortlists, int Queries, int QuerySeed, string? ExactScores, string? Plot,
        bool Float16 = false, int ImageQueries = 200, int? Images = null, string? ExpectPath = null);

    public static Command Create()
    {
        var models = new Option<string[]>("--model")
        {
            Description = "Project checkpoint folder or official checkpoint file; give two (an SGR and a SAF) for SGRAF",
            Arity = new ArgumentArity(1, 2),
        };
        var bundle = new Option<string?>("--bundle") { Description = "ONNX bundle (sgraf export-onnx) to score with ONNX Runtime, instead of --model" };
        var data = new Option<string>("--data") { Description = "Folder holding {split}_ims.npy and {split}_caps.txt", Required = true };
        var split = new Option<string>("--split") { Description = "Split name: test, dev, testall, ...", Required = true };
        var fold5 = new Option<bool>("--fold5") { Description = "COCO 1K protocol: five folds of consecutive images, metrics averaged" };
        var simsOut = new Option<string?>("--sims-out") { Description = "Write the images × captions score matrix (.npy, float64)" };
        var json = new Option<string?>("--json") { Description = "Write the metrics as JSON" };
        var vocab = new Option<string?>("--vocab") { Description = "Vocabulary JSON (default: found next to the data, as the official layout has it)" };
        var probe = new Option<string?>("--probe") { Description = "Hard-negative probe (.jsonl, e.g. the shapes benchmark's test_probe.jsonl): accuracy of true over false caption" };
        var globalOnly = new Option<bool>("--global-only")
        {
            Description = "Score by the global-only baseline (v_glo · t_glo of the same model): no local alignment, no SGR/SAF head",
        };
        var shortlist = new Option<string?>("--shortlist")
        {
            Description = "With --bundle: measure its shortlist head at these sizes (e.g. 50,100,200,500): exact top-10 kept, and R@K of the two-stage search vs exhaustive",
        };
        var queries = new Option<int>("--queries") { Description = "With --shortlist: caption queries and image queries to sample (1000)", DefaultValueFactory = _ => 1000 };
        var querySeed = new Option<int>("--query-seed") { Description = "With --shortlist: seed of the query sample (2026)", DefaultValueFactory = _ => 2026 };
        var exactScores = new Option<string?>("--exact-scores") { Description = "With --shortlist: folder to keep the sampled queries' exact scores in, reused when they match" };
        var plot = new Option<string?>("--plot") { Description = "With --shortlist: write a PNG of shortlist recall vs size" };
        var float16 = new Option<bool>("--float16")
        {
            Description = "With --bundle: what a float16 gallery (Sgraf:Storage:Precision) does to exact search: top-10 agreement and score differences vs float32, for --queries caption queries and --image-queries image queries",
        };
        var imageQueries = new Option<int>("--image-queries") { Description = "With --float16: image queries (200; each is scored against every caption)", DefaultValueFactory = _ => 200 };
        var images = new Option<int?>("--images")
        {
            Description = "Score only the split's first N images and their captions (probe entries of those images): a quick check of a full evaluation",
        };
        var expect = new Option<string?>("--expect")
        {
            Description = "An earlier --json report: fail, naming each difference, unless every figure in it is reproduced",
        };
        var command = new Command("evaluate", "Score a precomp split and report R@1/5/10, medr, meanr and rsum")
        {
            models, bundle, data, split, fold5, simsOut, json, vocab, probe, globalOnly, shortlist, queries, querySeed, exactScores, plot,
            float16, imageQueries, images, expect,
        };
        command.SetAction(parse => CommandRunner.Run(() => Evaluate(new Request(
            parse.GetValue(models) ?? [], parse.GetValue(bundle), parse.GetValue(data)!, parse.GetValue(split)!, parse.GetValue(fold5),
            parse.GetValue(simsOut), parse.GetValue(json), parse.GetValue(vocab), parse.GetValue(probe), parse.GetValue(globalOnly),
            ParseSizes(parse.GetValue(shortlist)), parse.GetValue(queries), parse.GetValue(querySeed), parse.GetValue(exactScores), parse.GetValue(plot),
            parse.GetValue(float16), parse.GetValue(imageQueries), parse.GetValue(images), parse.GetValue(expect)))));
        return command;
    }

    static int[]? ParseSizes(string? text)
    {
        if (text is null) return null;
        var sizes = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(s => int.TryParse(s, out var k) && k > 0 ? k : throw new InvalidInputException($"--shortlist: '{s}' is not a positive shortlist size"))
            .ToArray();
        return sizes.Length > 0 ? sizes : throw new InvalidInputException("--shortlist: give one or more sizes, e.g. 50,100,200,500");
    }

    static int Evaluate(Request request)
    {
        if ((request.Shortlists is not null || request.Float16) && (request.Images is not null || request.ExpectPath is not null))
            throw new InvalidInputException("--images and --expect work with a retrieval evaluation, not with --shortlist or --float16");
        if (request.Images is <= 0) throw new InvalidInputException($"--images: must be positive, got {request.Images}");
        if (request.Shortlists is not null) return EvaluateShortlist(request);
        if (request.Float16) return EvaluateFloat16(request);
        if ((request.ModelPaths.Length > 0) == (request.BundlePath is not null))
            throw new InvalidInputException("give either --model (one or two checkpoints) or --bundle (an ONNX bundle)");
        if (request.BundlePath is not null && request.GlobalOnly)
            throw new InvalidInputException("--global-only works with --model checkpoints, not with --bundle (the bundle has no global-only scorer)");
        var expected = request.ExpectPath is null ? null : ExpectedResults.Read(request.ExpectPath);

        var (name, sims, captionsPerImage, probe) = request.BundlePath is not null
            ? ScoreWithBundle(request)
            : ScoreWithModels(request);
        if (request.SimsOut is not null) sims.Save(request.SimsOut);

        JsonNode report;
        if (request.Fold5)
        {
            var folds = RetrievalEvaluation.EvaluateFold5(sims, captionsPerImage);
            for (int f = 0; f < folds.Folds.Count; f++) Print($"{name} fold {f}", folds.Folds[f]);
            Print($"{name} 5-fold average", folds.Average);
            report = JsonNode.Parse(folds.Average.ToJson())!;
            report["folds"] = new JsonArray(folds.Folds.Select(f => JsonNode.Parse(f.ToJson())).ToArray());
        }
        else
        {
            var result = RetrievalEvaluation.Evaluate(sims, captionsPerImage);
            Print(name, result);
            report = JsonNode.Parse(result.ToJson())!;
        }
        if (probe is not null)
        {
            Console.WriteLine($"{name} hard-negative probe: {probe.Overall:0.0}% of {probe.Count} pairs");
            foreach (var (kind, (accuracy, count)) in probe.ByKind)
                Console.WriteLine($"  {kind,-20} {accuracy,6:0.0}%  ({count} pairs)");
            report["probe"] = probe.ToJson();
        }
        report["images"] = sims.Images;
        report["captions"] = sims.Captions;
        if (request.JsonOut is not null) File.WriteAllText(request.JsonOut, report.ToJsonString() + "\n");
        return expected is null ? CommandRunner.Success : CheckExpected(request.ExpectPath!, expected, report);
    }

    /// <summary>Every figure of the --expect report reproduced, or each difference named and exit code 1.</summary>
    static int CheckExpected(string path, JsonObject expected, JsonNode report)
    {
        var differences = ExpectedResults.Differences(expected, report);
        if (differences.Count > 0)
        {
            Console.Error.WriteLine($"error: {differences.Count} of the {ExpectedResults.FigureCount(expected)} figures in {path} not reproduced:");
            foreach (var difference in differences) Console.Error.WriteLine($"  {difference}");
            return CommandRunner.InputError;
        }
        Console.WriteLine($"reproduced: all {ExpectedResults.FigureCount(expected)} figures in {path}");
        return CommandRunner.Success;
    }

    static (string Name, ScoreMatrix Sims, int CaptionsPerImage, ProbeReport? Probe) ScoreWithModels(Request request)
    {
        var checkpoints = request.ModelPaths.Select(ModelSource.Read).ToArray();
        var imgDims = checkpoints.Select(c => c.Config.ImgDim).Distinct().ToArray();
        if (imgDims.Length > 1)
            throw new InvalidInputException($"--model: the models take different img_dim ({string.Join(" vs ", imgDims)}); an ensemble needs one feature space");

        var vocabulary = Vocabulary.Load(request.VocabPath ?? VocabularyLocator.Find(request.DataDir));
        for (int m = 0; m < checkpoints.Length; m++)
            if (checkpoints[m].Config.VocabSize != vocabulary.Count)
                throw new InvalidInputException(
                    $"{request.ModelPaths[m]}: the model was trained with {checkpoints[m].Config.VocabSize} words but the vocabulary has {vocabulary.Count}");
        var split = PrecompDataset.Load(request.DataDir, request.Split, imgDims[0]);
        var dataset = FirstImages(split, request.Images);
        var captionIds = dataset.Captions.Select(c => CaptionTokenizer.Encode(c, vocabulary)).ToArray();
        var probeEntries = request.ProbePath is null ? null : ProbeEntriesOf(request.ProbePath, split.ImageCount, dataset.ImageCount);

        var models = checkpoints.Select(ModelSource.Instantiate).ToArray();
        try
        {
            var matrices = CommandRunner.WithProgress($"scoring {dataset.ImageCount} images × {dataset.CaptionCount} captions", task =>
            {
                task.MaxValue = models.Length * SplitScorer.StepCount(dataset.ImageCount, dataset.CaptionCount);
                return models.Select(model => SplitScorer.Score(model, dataset, captionIds, () => task.Increment(1), request.GlobalOnly)).ToArray();
            });
            var probe = probeEntries is null ? null
                : Probe(probeEntries, vocabulary, HardNegativeProbe.ModelScorer(models, dataset, request.GlobalOnly), "");
            var name = string.Join("+", checkpoints.Select(c => c.Config.Module));
            return (request.GlobalOnly ? $"global-only {name}" : name, SgrafEnsemble.Average(matrices), dataset.CaptionsPerImage, probe);
        }
        finally
        {
            foreach (var model in models) model.Dispose();
        }
    }

    /// <summary>The same scores (and probe) through ONNX Runtime; the vocabulary is the bundle's.</summary>
    static (string Name, ScoreMatrix Sims, int CaptionsPerImage, ProbeReport? Probe) ScoreWithBundle(Request request)
    {
        using var runtime = SgrafRuntime.Open(request.BundlePath!);
        var split = PrecompDataset.Load(request.DataDir, request.Split, runtime.Bundle.ImgDim);
        var dataset = FirstImages(split, request.Images);
        var probeEntries = request.ProbePath is null ? null : ProbeEntriesOf(request.ProbePath, split.ImageCount, dataset.ImageCount);
        var (images, sims) = CommandRunner.WithProgress($"scoring {dataset.ImageCount} images × {dataset.CaptionCount} captions (ONNX Runtime)", task =>
        {
            task.MaxValue = 3;
            var images = runtime.EncodeImages(dataset.ImageFeatures, dataset.ImageCount);
            task.Increment(1);
            var captions = runtime.EncodeCaptions(dataset.Captions);
            task.Increment(1);
            var scores = runtime.Score(images, captions);
            task.Increment(1);
            return (images, scores);
        });
        var probe = probeEntries is null ? null
            : Probe(probeEntries, runtime.Bundle.Vocabulary, HardNegativeProbe.BundleScorer(runtime, images), " (ONNX Runtime)");
        return (string.Join("+", runtime.Modules), sims, dataset.CaptionsPerImage, probe);
    }

    /// <summary>The hard-negative probe with a progress bar, one step per image.</summary>
    static ProbeReport Probe(IReadOnlyList<ProbeEntry> entries, Vocabulary vocabulary, HardNegativeProbe.CaptionScorer scorer, string by) =>
        CommandRunner.WithProgress($"probing {entries.Count} true/false caption pairs{by}", task =>
        {
            task.MaxValue = entries.Select(e => e.Image).Distinct().Count();
            return HardNegativeProbe.Evaluate(entries, vocabulary, scorer, () => task.Increment(1));
        });

    /// <summary>The split's first <paramref name="images"/> images and their captions (--images), or all of it.</summary>
    static PrecompDataset FirstImages(PrecompDataset dataset, int? images) =>
        images is { } count ? dataset.Take(Math.Min(count, dataset.ImageCount) * dataset.CaptionsPerImage) : dataset;

    /// <summary>The probe's entries; with --images, those of the images kept (the file is still checked against the whole split).</summary>
    static IReadOnlyList<ProbeEntry> ProbeEntriesOf(string path, int splitImages, int imagesKept)
    {
        var kept = HardNegativeProbe.Read(path, splitImages).Where(entry => entry.Image < imagesKept).ToArray();
        return kept.Length > 0 ? kept : throw InvalidInputException.InFile(path, $"no probe entry is about the first {imagesKept} images");
    }

    /// <summary>The shortlist head of --bundle against its exact model (see <see cref="ShortlistEvaluation"/>).</summary>
    static int EvaluateShortlist(Request request)
    {
        if (request.BundlePath is null) throw new InvalidInputException("--shortlist measures a bundle's shortlist head: give --bundle");
        if (request.Queries <= 0) throw new InvalidInputException($"--queries: must be positive, got {request.Queries}");
        using var runtime = SgrafRuntime.Open(request.BundlePath);
        var dataset = PrecompDataset.Load(request.DataDir, request.Split, runtime.Bundle.ImgDim);
        var report = CommandRunner.WithProgress("shortlist evaluation", task =>
        {
            task.IsIndeterminate = true;
            return ShortlistEvaluation.Run(runtime, dataset, request.Queries, request.QuerySeed, request.Shortlists!, request.ExactScores,
                stage => task.Description = $"shortlist evaluation: {stage}");
        });
        Console.WriteLine($"{string.Join("+", runtime.Modules)} on {dataset.ImageCount} images / {dataset.CaptionCount} captions: " +
                          $"{report.CaptionQueries} caption queries, {report.ImageQueries} image queries (seed {request.QuerySeed})");
        Console.WriteLine($"{"search",-16} {"exact top-10 kept (t2i / i2t)",-30} {"t2i R@1 / R@5 / R@10",-24} {"i2t R@1 / R@5 / R@10",-24}");
        Console.WriteLine($"{"exhaustive",-16} {"",-30} {Recalls(report.TextToImage),-24} {Recalls(report.ImageToText),-24}");
        foreach (var s in report.Shortlists)
            Console.WriteLine($"{"shortlist " + s.K,-16} {$"{100 * s.TextToImageRecall:0.00}% / {100 * s.ImageToTextRecall:0.00}%",-30} {Recalls(s.TextToImage),-24} {Recalls(s.ImageToText),-24}");
        if (request.JsonOut is not null)
            File.WriteAllText(request.JsonOut, JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true }) + "\n");
        if (request.Plot is not null) ShortlistCurve.Save(request.Plot, report, $"{string.Join("+", runtime.Modules)} shortlist on {Path.GetFileName(Path.GetFullPath(request.DataDir))}");
        return CommandRunner.Success;

        static string Recalls(RecallMetrics m) => $"{m.R1:0.0} / {m.R5:0.0} / {m.R10:0.0}";
    }

    /// <summary>Float16 image embeddings against float32 with --bundle (see <see cref="Float16Evaluation"/>).</summary>
    static int EvaluateFloat16(Request request)
    {
        if (request.BundlePath is null) throw new InvalidInputException("--float16 measures a bundle's scores on float16 image embeddings: give --bundle");
        if (request.Queries <= 0) throw new InvalidInputException($"--queries: must be positive, got {request.Queries}");
        if (request.ImageQueries <= 0 || request.ImageQueries > request.Queries)
            throw new InvalidInputException($"--image-queries: must be from 1 to --queries ({request.Queries}), got {request.ImageQueries}");
        using var runtime = SgrafRuntime.Open(request.BundlePath);
        var dataset = PrecompDataset.Load(request.DataDir, request.Split, runtime.Bundle.ImgDim);
        var (t2i, i2t) = CommandRunner.WithProgress("float16 evaluation", task =>
        {
            task.IsIndeterminate = true;
            return Float16Evaluation.Run(runtime, dataset, request.Queries, request.ImageQueries, request.QuerySeed, request.ExactScores,
                stage => task.Description = $"float16 evaluation: {stage}");
        });
        Console.WriteLine($"{string.Join("+", runtime.Modules)} on {dataset.ImageCount} images / {dataset.CaptionCount} captions, image embeddings float16 vs float32 (query seed {request.QuerySeed}):");
        Console.WriteLine($"{"direction",-14} {"queries",8} {"same top 10",12} {"same set",9} {"max |Δ score|",14} {"mean |Δ score|",15} {"R@1/5/10 float32",18} {"R@1/5/10 float16",18}");
        foreach (var (name, a) in new[] { ("text to image", t2i), ("image to text", i2t) })
            Console.WriteLine($"{name,-14} {a.Queries,8} {100 * a.SameOrder,11:0.0}% {100 * a.SameSet,8:0.0}% {a.MaxDifference,14:E2} {a.MeanDifference,15:E2} {Recalls(a.Float32),18} {Recalls(a.Float16),18}");
        if (request.JsonOut is not null)
            File.WriteAllText(request.JsonOut, JsonSerializer.Serialize(new { text_to_image = t2i, image_to_text = i2t }, new JsonSerializerOptions { WriteIndented = true }) + "\n");
        return CommandRunner.Success;

        static string Recalls(RecallMetrics m) => $"{m.R1:0.0} / {m.R5:0.0} / {m.R10:0.0}";
    }

    static void Print(string title, RetrievalReport r)
    {
        Console.WriteLine($"{title}: rsum {r.Rsum:0.00}");
        Console.WriteLine($"  image to text: R@1 {r.ImageToText.R1:0.0}  R@5 {r.ImageToText.R5:0.0}  R@10 {r.ImageToText.R10:0.0}  medr {r.ImageToText.Medr:0.0}  meanr {r.ImageToText.Meanr:0.00}");
        Console.WriteLine($"  text to image: R@1 {r.TextToImage.R1:0.0}  R@5 {r.TextToImage.R5:0.0}  R@10 {r.TextToImage.R10:0.0}  medr {r.TextToImage.Medr:0.0}  meanr {r.TextToImage.Meanr:0.00}");
    }
}
