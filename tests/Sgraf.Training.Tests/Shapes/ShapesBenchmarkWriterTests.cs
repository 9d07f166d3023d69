using System.Text.Json.Nodes;
using System.Xml.Linq;
using Sgraf.Inference.Data;
using Sgraf.Inference.Text;
using Sgraf.Shapes;
using Sgraf.TestSupport;

namespace Sgraf.Training.Tests.Shapes;

public sealed class ShapesBenchmarkWriterTests(ShapesBenchmarkFixture benchmark) : IClassFixture<ShapesBenchmarkFixture>
{
    [Fact]
    public void Every_split_loads_as_precomp_data_with_36_non_negative_regions_and_five_distinct_captions_per_image()
    {
        foreach (var split in ShapesBenchmarkFixture.Splits)
        {
            var data = PrecompDataset.Load(benchmark.Dir, split, ShapesBenchmarkFixture.Options.ImgDim);
            Assert.Equal(benchmark.Scenes[split].Count, data.ImageCount);
            Assert.Equal(5, data.CaptionsPerImage);
            Assert.All(data.ImageFeatures, v => Assert.True(v >= 0));
            for (int i = 0; i < data.ImageCount; i++)
            {
                var captions = data.Captions.Skip(5 * i).Take(5).ToArray();
                Assert.Equal(5, captions.Distinct().Count());
                Assert.Equal(benchmark.Scenes[split][i].Captions, captions);
            }
        }
    }

    [Fact]
    public void Writing_one_split_gives_the_same_bytes_as_the_whole_benchmark()
    {
        using var dir = new TempDirectory();
        ShapesBenchmarkWriter.WriteSplit(dir.Path, ShapesBenchmarkFixture.Options, "test");
        foreach (var file in new[] { "test_caps.txt", "test_ims.npy", Path.Combine("svg", "test", "000007.svg") })
            Assert.Equal(File.ReadAllBytes(Path.Combine(benchmark.Dir, file)), File.ReadAllBytes(Path.Combine(dir.Path, file)));
        Assert.False(File.Exists(Path.Combine(dir.Path, "train_ims.npy")));
        Assert.Throws<ArgumentException>(() => ShapesBenchmarkWriter.WriteSplit(dir.Path, ShapesBenchmarkFixture.Options, "val"));
    }

    [Fact]
    public void The_region_layouts_give_each_picture_36_regions_with_every_object_at_its_scene_box()
    {
        var test = benchmark.Scenes["test"];
        var layouts = ShapesBenchmarkWriter.RegionLayouts(ShapesBenchmarkFixture.Options, "test", test.Count);
        Assert.Equal(test.Count, layouts.Count);
        for (int i = 0; i < test.Count; i++)
        {
            Assert.Equal(36, layouts[i].Length);
            var objects = test[i].Objects;
            for (int o = 0; o < objects.Count; o++)
            {
                var whole = layouts[i].Where(r => r.Kind == RegionKind.Object && r.Object == o).ToList();
                Assert.Equal(1 + RegionFeatures.PartsPerObject, whole.Count);
                Assert.Contains(new Box(objects[o].X, objects[o].Y, objects[o].W, objects[o].H), whole.Select(r => r.Box));
            }
            Assert.DoesNotContain(layouts[i], r => r.Kind == RegionKind.Object && r.Object >= objects.Count);
        }
        // A twin is drawn from its original's stream, as its features are: swapping colours moves no box, so the
        // twin's layout is its original's, region for region.
        var twin = test.First(s => s.TwinChange == "swap_colours");
        Assert.Equal(layouts[twin.TwinOf!.Value], layouts[twin.Image]);
        Assert.Throws<ArgumentException>(() => ShapesBenchmarkWriter.RegionLayouts(ShapesBenchmarkFixture.Options, "val", 1));
    }

    [Fact]
    public void Every_caption_is_true_for_its_scene_by_an_independent_reading_of_the_grammar()
    {
        foreach (var split in ShapesBenchmarkFixture.Splits)
            foreach (var scene in benchmark.Scenes[split])
                foreach (var caption in scene.Captions)
                    Assert.True(CaptionChecker.IsTrue(caption, scene.Objects), $"{split} image {scene.Image}: '{caption}' is false");
    }

    [Fact]
    public void Every_test_caption_has_a_probe_whose_false_caption_is_false_for_the_scene()
    {
        var lines = File.ReadAllLines(Path.Combine(benchmark.Dir, "test_probe.jsonl")).Select(l => JsonNode.Parse(l)!).ToArray();
        var test = benchmark.Scenes["test"];
        Assert.Equal(5 * test.Count, lines.Length);
        for (int k = 0; k < lines.Length; k++)
        {
            var line = lines[k];
            Assert.Equal(k, line["caption"]!.GetValue<int>());
            var scene = test[line["image"]!.GetValue<int>()];
            Assert.Equal(k / 5, scene.Image);
            Assert.Equal(scene.Captions[k % 5], line["true"]!.GetValue<string>());
            var falseCaption = line["false"]!.GetValue<string>();
            Assert.False(CaptionChecker.IsTrue(falseCaption, scene.Objects), $"probe {k}: '{falseCaption}' is true");
            Assert.Equal(line["true"]!.GetValue<string>().Split(' ').Length, falseCaption.Split(' ').Length);
        }
        Assert.Equal(["change_count", "swap_attributes", "swap_relation"], lines.Select(l => l["kind"]!.GetValue<string>()).Distinct().Order());
    }

    [Fact]
    public void Half_of_each_split_comes_in_twin_pairs_that_differ_by_exactly_one_change()
    {
        foreach (var split in ShapesBenchmarkFixture.Splits)
        {
            var scenes = benchmark.Scenes[split];
            var twins = scenes.Where(s => s.TwinOf is not null).ToArray();
            Assert.Equal(scenes.Count / 4, twins.Length);
            foreach (var twin in twins)
            {
                var original = scenes[twin.TwinOf!.Value];
                Assert.Null(original.TwinOf);
                Assert.Equal(twin.Image - 1, original.Image);
                AssertOneChange(original.Objects, twin.Objects, twin.TwinChange!);
            }
        }
        var changes = benchmark.Scenes.Values.SelectMany(s => s).Select(s => s.TwinChange).OfType<string>().Distinct().Order();
        Assert.Equal(["change_count", "mirror", "swap_colours"], changes);
    }

    static void AssertOneChange(IReadOnlyList<ObjectRecord> original, IReadOnlyList<ObjectRecord> twin, string change)
    {
        switch (change)
        {
            case "swap_colours":
                Assert.Equal(original.Count, twin.Count);
                var changed = Enumerable.Range(0, original.Count).Where(i => original[i] != twin[i]).ToArray();
                Assert.Equal(2, changed.Length);
                var (a, b) = (changed[0], changed[1]);
                Assert.NotEqual(original[a].Colour, original[b].Colour);
                Assert.NotEqual(original[a].Shape, original[b].Shape);
                Assert.Equal(original[a] with { Colour = original[b].Colour }, twin[a]);
                Assert.Equal(original[b] with { Colour = original[a].Colour }, twin[b]);
                break;
            case "mirror":
                Assert.Equal(original.Count, twin.Count);
                for (int i = 0; i < original.Count; i++)
                    Assert.Equal(original[i] with { X = Math.Round(1 - original[i].X, 3) }, twin[i]);
                Assert.Contains(original, p => original.Any(q => q.X - p.X >= 0.15 && Math.Abs(q.X - p.X) >= Math.Abs(q.Y - p.Y) + 0.05));
                break;
            case "change_count":
                var (longer, shorter) = twin.Count > original.Count ? (twin, original) : (original, twin);
                Assert.Equal(shorter.Count + 1, longer.Count);
                var extra = longer.Where(o => !shorter.Contains(o)).ToArray();
                Assert.Single(extra);
                Assert.Equal(shorter, longer.Where(o => o != extra[0]));
                Assert.Contains(shorter, o => o.Shape == extra[0].Shape && o.Colour == extra[0].Colour);
                break;
            default:
                Assert.Fail($"unknown twin change {change}");
                break;
        }
    }

    [Fact]
    public void The_vocabulary_is_small_and_covers_every_caption_of_every_split()
    {
        var vocabulary = Vocabulary.Load(VocabularyLocator.Find(benchmark.Dir));
        Assert.InRange(vocabulary.Count - 4, 30, 50);
        foreach (var split in ShapesBenchmarkFixture.Splits)
            foreach (var caption in benchmark.Scenes[split].SelectMany(s => s.Captions))
            {
                var ids = CaptionTokenizer.Encode(caption, vocabulary);
                Assert.DoesNotContain(Vocabulary.UnknownId, ids);
                Assert.InRange(ids.Length - 2, 5, 14);
            }
    }

    [Fact]
    public void Each_svg_is_well_formed_with_one_element_per_object()
    {
        foreach (var split in ShapesBenchmarkFixture.Splits)
        {
            var scenes = benchmark.Scenes[split];
            Assert.Equal(scenes.Count, Directory.GetFiles(Path.Combine(benchmark.Dir, "svg", split), "*.svg").Length);
            foreach (var scene in scenes.Take(20))
            {
                var svg = XDocument.Load(Path.Combine(benchmark.Dir, "svg", split, $"{scene.Image:D6}.svg"));
                var objects = svg.Descendants().Where(e => (string?)e.Attribute("class") == "object").ToArray();
                Assert.Equal(scene.Objects.Select(o => (o.Shape, o.Colour)),
                             objects.Select(e => ((string)e.Attribute("data-shape")!, (string)e.Attribute("data-colour")!)));
            }
        }
    }

    [Fact]
    public void The_same_seed_writes_identical_bytes_and_another_seed_does_not()
    {
        var options = new ShapesBenchmarkOptions(Seed: 3, Train: 24, Dev: 8, Test: 8, ImgDim: 8);
        var dirs = new[] { options, options, options with { Seed = 4 } }
            .Select(o =>
            {
                var dir = Directory.CreateTempSubdirectory("sgraf-shapes-seed-").FullName;
                ShapesBenchmarkWriter.Write(dir, o);
                return dir;
            }).ToArray();
        try
        {
            var files = Directory.GetFiles(dirs[0], "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(dirs[0], f)).Order().ToArray();
            Assert.Equal(files, Directory.GetFiles(dirs[1], "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(dirs[1], f)).Order());
            foreach (var file in files)
                Assert.True(File.ReadAllBytes(Path.Combine(dirs[0], file)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(dirs[1], file))), file);
            foreach (var file in new[] { "train_ims.npy", "test_caps.txt", "scenes.json" })
                Assert.False(File.ReadAllBytes(Path.Combine(dirs[0], file)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(dirs[2], file))), file);
        }
        finally
        {
            foreach (var dir in dirs) Directory.Delete(dir, recursive: true);
        }
    }
}
