using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Sgraf.Inference.Data;
using Sgraf.Inference.Model;
using Sgraf.Inference.Text;

namespace Sgraf.Shapes;

/// <summary>What <see cref="ShapesBenchmarkWriter.Write"/> wrote.</summary>
public sealed record ShapesBenchmarkSummary(int VocabularySize, int ProbeCount);

/// <summary>
/// Writes the shapes benchmark in the official precomp layout (spec §11–§12): per split <c>{split}_ims.npy</c>
/// (images × 36 × img_dim float32, see <see cref="RegionFeatures"/>) and <c>{split}_caps.txt</c> (five captions per
/// image); <c>vocab.json</c> built from train + dev with the official threshold; <c>scenes.json</c>; one SVG per image
/// under <c>svg/{split}/</c>; and <c>test_probe.jsonl</c>, one false twin per test caption (<see cref="ProbeCaptions"/>).
/// Every random draw comes from a seed derived from the options' seed, the split and the image, so output is
/// byte-identical for a seed, and a split does not change when another split's size does.
/// </summary>
public static class ShapesBenchmarkWriter
{
    public const string VocabularyFile = "vocab.json";
    public const string ScenesFile = "scenes.json";
    public const string ProbeFile = "test_probe.jsonl";

    /// <summary>
    /// The 36 regions (kind and box) of each of the split's first <paramref name="count"/> pictures, in the order of
    /// their feature rows in <c>{split}_ims.npy</c>: the layout <see cref="RegionFeatures.Write"/> draws first from
    /// the picture's own random stream, drawn again here from the same seed.
    /// </summary>
    public static IReadOnlyList<Region[]> RegionLayouts(ShapesBenchmarkOptions options, string split, int count)
    {
        ArgumentNullException.ThrowIfNull(options);
        int s = SplitIndex(options, split);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, options.Splits[s].Images, nameof(count));
        var scenes = new SceneGenerator(new Random(DerivedSeed(options.Seed, s))).Split(options.Splits[s].Images);
        return [.. Enumerable.Range(0, count).Select(i => RegionFeatures.Layout(scenes[i].Scene, PictureRandom((options.Seed, s), scenes[i].Scene, i)))];
    }

    static int SplitIndex(ShapesBenchmarkOptions options, string split)
    {
        int s = options.Splits.Select(x => x.Name).ToList().IndexOf(split);
        if (s < 0) throw new ArgumentException($"unknown split '{split}'; the benchmark has {string.Join(", ", options.Splits.Select(x => x.Name))}", nameof(split));
        return s;
    }

    /// <summary>A picture's random stream (layout, then noise); a twin reuses its original's.</summary>
    static Random PictureRandom((int Seed, int Split) stream, Scene scene, int index) =>
        new(DerivedSeed(stream.Seed, stream.Split, 1 + (scene.TwinOf ?? index)));

    /// <summary>vocab.py's <c>build_vocab</c> threshold: words seen fewer times in train + dev are left out.</summary>
    public const int VocabularyThreshold = 4;

    const int FeatureBlock = 64;
    const int ProbeStream = 1000;

    static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <param name="imagesDone">Called with a number of images whose features were just written.</param>
    public static ShapesBenchmarkSummary Write(string outDir, ShapesBenchmarkOptions options, Action<int>? imagesDone = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(outDir);
        ArgumentNullException.ThrowIfNull(options);
        Directory.CreateDirectory(outDir);
        var features = new RegionFeatures(options.ImgDim);
        var splits = new Dictionary<string, IReadOnlyList<CaptionedScene>>();
        for (int s = 0; s < options.Splits.Count; s++)
        {
            var (name, count) = options.Splits[s];
            var scenes = new SceneGenerator(new Random(DerivedSeed(options.Seed, s))).Split(count);
            splits[name] = scenes;
            WriteCaptions(Path.Combine(outDir, $"{name}_caps.txt"), scenes);
            WriteSvgs(Path.Combine(outDir, "svg", name), scenes);
            WriteFeatures(Path.Combine(outDir, $"{name}_ims.npy"), scenes, features, (options.Seed, s), imagesDone);
        }
        var vocabulary = BuildVocabulary(splits["train"].Concat(splits["dev"]));
        vocabulary.Save(Path.Combine(outDir, VocabularyFile));
        WriteScenes(Path.Combine(outDir, ScenesFile), options, splits);
        int probes = WriteProbe(Path.Combine(outDir, ProbeFile), splits["test"], new Random(DerivedSeed(options.Seed, ProbeStream)));
        return new ShapesBenchmarkSummary(vocabulary.Count, probes);
    }

    /// <summary>
    /// Writes one split only (<c>{split}_caps.txt</c>, <c>{split}_ims.npy</c>, <c>svg/{split}/</c>), byte-identical to
    /// the files <see cref="Write"/> makes for the same options: the service's demo gallery needs the test split, not
    /// the training data or a vocabulary (that comes with the bundle).
    /// </summary>
    public static void WriteSplit(string outDir, ShapesBenchmarkOptions options, string split, Action<int>? imagesDone = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(outDir);
        ArgumentNullException.ThrowIfNull(options);
        int s = SplitIndex(options, split);
        Directory.CreateDirectory(outDir);
        var scenes = new SceneGenerator(new Random(DerivedSeed(options.Seed, s))).Split(options.Splits[s].Images);
        WriteCaptions(Path.Combine(outDir, $"{split}_caps.txt"), scenes);
        WriteSvgs(Path.Combine(outDir, "svg", split), scenes);
        WriteFeatures(Path.Combine(outDir, $"{split}_ims.npy"), scenes, new RegionFeatures(options.ImgDim), (options.Seed, s), imagesDone);
    }

    static void WriteCaptions(string path, IReadOnlyList<CaptionedScene> scenes)
    {
        var text = new StringBuilder();
        foreach (var caption in scenes.SelectMany(s => s.Captions)) text.Append(caption.Text).Append('\n');
        File.WriteAllText(path, text.ToString(), Utf8);
    }

    static void WriteSvgs(string dir, IReadOnlyList<CaptionedScene> scenes)
    {
        Directory.CreateDirectory(dir);
        for (int i = 0; i < scenes.Count; i++)
            File.WriteAllText(Path.Combine(dir, $"{i:D6}.svg"), SceneSvg.Render(scenes[i].Scene), Utf8);
    }

    /// <summary>Streams the features in blocks of images made in parallel; a twin reuses its original's seed, so
    /// the pair shares layout, clutter and noise and differs only by its one change.</summary>
    static void WriteFeatures(string path, IReadOnlyList<CaptionedScene> scenes, RegionFeatures features, (int Seed, int Split) stream, Action<int>? imagesDone)
    {
        int size = SgrafConfig.Regions * features.Dim;
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1 << 16);
        file.Write(new NpyHeader(NpyDtype.Float32, [scenes.Count, SgrafConfig.Regions, features.Dim]).ToBytes());
        var buffer = new float[FeatureBlock * size];
        for (int start = 0; start < scenes.Count; start += FeatureBlock)
        {
            int count = Math.Min(FeatureBlock, scenes.Count - start);
            Parallel.For(0, count, i =>
            {
                var scene = scenes[start + i].Scene;
                features.Write(scene, PictureRandom(stream, scene, start + i), buffer.AsSpan(i * size, size));
            });
            file.Write(MemoryMarshal.AsBytes(buffer.AsSpan(0, count * size)));
            imagesDone?.Invoke(count);
        }
    }

    /// <summary>vocab.py's <c>build_vocab</c>: tokens as the loader makes them, kept in first-seen order if frequent enough.</summary>
    static Vocabulary BuildVocabulary(IEnumerable<CaptionedScene> scenes)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var caption in scenes.SelectMany(s => s.Captions))
            foreach (var token in CaptionTokenizer.Tokenize(caption.Text))
            {
                if (!counts.TryAdd(token, 1)) counts[token]++;
                else order.Add(token);
            }
        return Vocabulary.Build(order.Where(w => counts[w] >= VocabularyThreshold));
    }

    static void WriteScenes(string path, ShapesBenchmarkOptions options, Dictionary<string, IReadOnlyList<CaptionedScene>> splits)
    {
        using var file = File.Create(path);
        using var json = new Utf8JsonWriter(file, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteNumber("seed", options.Seed);
        json.WriteNumber("feature_seed", RegionFeatures.FeatureSeed);
        json.WriteNumber("img_dim", options.ImgDim);
        json.WriteString("box", "centre x, centre y, width, height; picture is the unit square, y down");
        json.WriteStartObject("splits");
        foreach (var (name, scenes) in splits)
        {
            json.WriteStartArray(name);
            for (int i = 0; i < scenes.Count; i++) WriteScene(json, i, scenes[i]);
            json.WriteEndArray();
        }
        json.WriteEndObject();
        json.WriteEndObject();
    }

    static void WriteScene(Utf8JsonWriter json, int index, CaptionedScene captioned)
    {
        var scene = captioned.Scene;
        json.WriteStartObject();
        json.WriteNumber("image", index);
        if (scene.TwinOf is { } original) json.WriteNumber("twin_of", original);
        else json.WriteNull("twin_of");
        json.WriteString("twin_change", scene.Change switch
        {
            TwinChange.SwapColours => "swap_colours",
            TwinChange.Mirror => "mirror",
            TwinChange.ChangeCount => "change_count",
            _ => null,
        });
        json.WriteStartArray("objects");
        foreach (var o in scene.Objects)
        {
            json.WriteStartObject();
            json.WriteString("shape", o.Shape.Word());
            json.WriteString("colour", o.Colour.Word());
            json.WriteString("size", o.Size.Word());
            json.WriteStartArray("box");
            foreach (var v in new[] { o.Box.X, o.Box.Y, o.Box.W, o.Box.H }) json.WriteNumberValue(v);
            json.WriteEndArray();
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteStartArray("captions");
        foreach (var caption in captioned.Captions) json.WriteStringValue(caption.Text);
        json.WriteEndArray();
        json.WriteEndObject();
    }

    static int WriteProbe(string path, IReadOnlyList<CaptionedScene> scenes, Random rng)
    {
        using var file = File.Create(path);
        int count = 0;
        for (int image = 0; image < scenes.Count; image++)
        {
            var captions = scenes[image].Captions;
            for (int k = 0; k < captions.Count; k++)
            {
                var variants = ProbeCaptions.FalseVariants(scenes[image].Scene, captions[k]);
                var probe = variants[rng.Next(variants.Count)];
                using (var json = new Utf8JsonWriter(file))
                {
                    json.WriteStartObject();
                    json.WriteNumber("caption", image * CaptionGrammar.CaptionsPerImage + k);
                    json.WriteNumber("image", image);
                    json.WriteString("true", captions[k].Text);
                    json.WriteString("false", probe.False.Text);
                    json.WriteString("kind", probe.Kind);
                    json.WriteEndObject();
                }
                file.WriteByte((byte)'\n');
                count++;
            }
        }
        return count;
    }

    /// <summary>A seed for one stream of draws (SplitMix64 over the parts), so that streams do not overlap.</summary>
    static int DerivedSeed(params ReadOnlySpan<int> parts)
    {
        ulong state = 0x9E3779B97F4A7C15;
        foreach (var part in parts)
        {
            state ^= (uint)part;
            state += 0x9E3779B97F4A7C15;
            ulong z = state;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
            state = z ^ (z >> 31);
        }
        return (int)(state & int.MaxValue);
    }
}
