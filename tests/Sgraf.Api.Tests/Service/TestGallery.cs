using System.Runtime.InteropServices;
using Sgraf.Inference.Model;

namespace Sgraf.Api.Tests.Service;

/// <summary>Seeded region features and captions for service tests (the demo bundle: img_dim 2048, shapes words).</summary>
public static class TestGallery
{
    public const int ImgDim = 2048;

    public static readonly string[] Captions =
    [
        "a small red circle is left of a large blue square",
        "a green triangle above a yellow circle",
        "a large purple star",
        "two blue squares",
        "a red diamond below a small green star",
        "a yellow square right of a blue circle",
        "a small orange triangle",
        "a large green circle and a red square",
    ];

    /// <summary>36 × img_dim non-negative features (ReLU of Gaussians, as pooled CNN features are).</summary>
    public static float[] Features(int seed)
    {
        var rng = new Random(seed);
        var features = new float[SgrafConfig.Regions * ImgDim];
        for (int i = 0; i < features.Length; i++)
        {
            double gaussian = Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
            features[i] = (float)Math.Max(0, gaussian);
        }
        return features;
    }

    public static string Base64(float[] features) => Convert.ToBase64String(MemoryMarshal.AsBytes(features.AsSpan()));

    public static float[][] Nested(float[] features) =>
        [.. Enumerable.Range(0, SgrafConfig.Regions).Select(r => features.AsSpan(r * ImgDim, ImgDim).ToArray())];

    public static object ImageBody(params (string Id, int Seed)[] images) => new
    {
        images = images.Select(i => new { id = i.Id, regionsBase64 = Base64(Features(i.Seed)), metadata = new { seed = i.Seed } }).ToArray(),
    };

    public static object CaptionBody(params (string Id, string Text)[] captions) => new
    {
        captions = captions.Select(c => new { id = c.Id, text = c.Text }).ToArray(),
    };
}
