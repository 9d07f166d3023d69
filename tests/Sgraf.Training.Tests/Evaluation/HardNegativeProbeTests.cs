using Sgraf.Inference;
using Sgraf.Inference.Data;
using Sgraf.Inference.Text;
using Sgraf.Training.Checkpoints;
using Sgraf.Training.Evaluation;
using Sgraf.Shapes;
using Sgraf.Training.Tests.Checkpoints;

namespace Sgraf.Training.Tests.Evaluation;

public sealed class HardNegativeProbeTests : IDisposable
{
    readonly string work = Directory.CreateTempSubdirectory("sgraf-probe-").FullName;

    public void Dispose() => Directory.Delete(work, recursive: true);

    string WriteProbe(params string[] lines)
    {
        var path = Path.Combine(work, "probe.jsonl");
        File.WriteAllLines(path, lines);
        return path;
    }

    static string Line(int caption, int image, string truth, string falsehood, string kind) =>
        $$"""{"caption": {{caption}}, "image": {{image}}, "true": "{{truth}}", "false": "{{falsehood}}", "kind": "{{kind}}"}""";

    [Fact]
    public void Accuracy_counts_true_above_false_overall_and_per_kind_with_ties_as_misses()
    {
        var path = WriteProbe(
            Line(0, 0, "a red circle", "a blue circle", "swap_attributes"),
            Line(1, 0, "a blue square", "a red square", "swap_attributes"),
            Line(2, 1, "a red circle left of a blue square", "a red circle right of a blue square", "swap_relation"),
            "",
            Line(3, 1, "there are exactly two red shapes", "there are exactly three red shapes", "change_count"));
        var vocabulary = Vocabulary.Build(["a", "red", "blue", "circle", "square", "left", "right", "of", "there", "are", "exactly", "two", "three", "shapes"]);
        var entries = HardNegativeProbe.Read(path, imageCount: 2);

        // The fake model likes red and "left", dislikes circles, and cannot count (a tie): 1 of 2 swaps, the relation, not the count.
        var calls = new List<int>();
        float Score(int[] ids) => ids.Sum(id => vocabulary.WordOf(id) switch { "red" => 1f, "circle" => -2f, "left" => 1f, _ => 0f });
        var report = HardNegativeProbe.Evaluate(entries, vocabulary, (image, captions) =>
        {
            calls.Add(image);
            return [.. captions.Select(Score)];
        });

        Assert.Equal([0, 1], calls);
        Assert.Equal(4, report.Count);
        Assert.Equal(50.0, report.Overall);
        Assert.Equal((50.0, 2), report.ByKind["swap_attributes"]);
        Assert.Equal((100.0, 1), report.ByKind["swap_relation"]);
        Assert.Equal((0.0, 1), report.ByKind["change_count"]);
        var json = report.ToJson();
        Assert.Equal(50.0, json["overall"]!.GetValue<double>());
        Assert.Equal(100.0, json["by_kind"]!["swap_relation"]!.GetValue<double>());
        Assert.Equal(4, json["count"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"caption": 0, "image": 0, "true": "a red circle", "kind": "swap_attributes"}""")]
    [InlineData("""{"caption": 0, "image": "zero", "true": "a", "false": "b", "kind": "swap_attributes"}""")]
    [InlineData("""[1, 2]""")]
    [InlineData("""{"caption": 0, "image": 7, "true": "a", "false": "b", "kind": "swap_attributes"}""")]
    public void A_malformed_line_is_reported_with_the_file_and_line_number(string bad)
    {
        var path = WriteProbe(Line(0, 0, "a", "b", "swap_attributes"), bad);
        var error = Assert.Throws<InvalidInputException>(() => HardNegativeProbe.Read(path, imageCount: 2));
        Assert.Contains(path, error.Message);
        Assert.Contains("line 2", error.Message);
    }

    [Fact]
    public void A_model_scores_a_probe_caption_as_the_split_scorer_scores_it()
    {
        var data = Path.Combine(work, "shapes");
        ShapesBenchmarkWriter.Write(data, new ShapesBenchmarkOptions(Train: 60, Dev: 20, Test: 4, ImgDim: 64));
        var vocabulary = Vocabulary.Load(Path.Combine(data, "vocab.json"));
        var dataset = PrecompDataset.Load(data, "test");
        var ids = dataset.Captions.Select(c => CaptionTokenizer.Encode(c, vocabulary)).ToArray();
        var config = TestWeights.Small() with { VocabSize = vocabulary.Count };
        using var model = ModelSource.Instantiate(new ModelCheckpoint(config, TestWeights.Random(config)));

        var matrix = SplitScorer.Score(model, dataset, ids);
        var scorer = HardNegativeProbe.ModelScorer([model], dataset);
        for (int image = 0; image < dataset.ImageCount; image++)
        {
            var scores = scorer(image, ids);
            for (int caption = 0; caption < ids.Length; caption++)
                Assert.Equal(matrix[image, caption], scores[caption], 5);
        }
    }
}
