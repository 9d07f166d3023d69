using System.Text.Json.Nodes;
using Sgraf.Shapes;

namespace Sgraf.Training.Tests.Shapes;

/// <summary>One small benchmark, generated once for the tests that read it, deleted afterwards.</summary>
public sealed class ShapesBenchmarkFixture : IDisposable
{
    public static readonly ShapesBenchmarkOptions Options = new(Seed: 11, Train: 300, Dev: 60, Test: 60, ImgDim: 16);
    public static readonly string[] Splits = ["train", "dev", "test"];

    public ShapesBenchmarkFixture()
    {
        Dir = Directory.CreateTempSubdirectory("sgraf-shapes-").FullName;
        ShapesBenchmarkWriter.Write(Dir, Options);
        var scenes = JsonNode.Parse(File.ReadAllText(Path.Combine(Dir, "scenes.json")))!["splits"]!;
        Scenes = Splits.ToDictionary(s => s, s => (IReadOnlyList<SceneRecord>)[.. scenes[s]!.AsArray().Select(n => SceneRecord.FromJson(n!))]);
    }

    public string Dir { get; }

    /// <summary>scenes.json as written, per split.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<SceneRecord>> Scenes { get; }

    public void Dispose() => Directory.Delete(Dir, recursive: true);
}

/// <summary>An object as scenes.json states it.</summary>
public sealed record ObjectRecord(string Shape, string Colour, string Size, double X, double Y, double W, double H);

/// <summary>A scene as scenes.json states it.</summary>
public sealed record SceneRecord(int Image, int? TwinOf, string? TwinChange, IReadOnlyList<ObjectRecord> Objects, IReadOnlyList<string> Captions)
{
    public static SceneRecord FromJson(JsonNode node) => new(
        node["image"]!.GetValue<int>(),
        node["twin_of"]?.GetValue<int>(),
        node["twin_change"]?.GetValue<string>(),
        [.. node["objects"]!.AsArray().Select(o =>
        {
            var box = o!["box"]!.AsArray().Select(v => v!.GetValue<double>()).ToArray();
            return new ObjectRecord(o["shape"]!.GetValue<string>(), o["colour"]!.GetValue<string>(), o["size"]!.GetValue<string>(), box[0], box[1], box[2], box[3]);
        })],
        [.. node["captions"]!.AsArray().Select(c => c!.GetValue<string>())]);
}
