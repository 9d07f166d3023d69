using Sgraf.Inference.Model;

namespace Sgraf.Shapes;

/// <summary>
/// The synthetic stand-in for bottom-up region features: 36 regions per picture, each a <see cref="Dim"/>-vector
/// <code>
/// f(region) = max(0, 1 + (E_shape[s] + E_colour[c] + E_size[z] + P(box) + 0.1·ε) / 8)      object regions
///                        E_background                        + P(box) + 0.1·ε                  background regions
///                        E_clutter + 0.7·ξ                   + P(box) + 0.1·ε                  clutter regions
/// P(box)_d = √2·cos(ω_d · (x, y, w, h) + φ_d)
/// </code>
/// E_*, the rows of ω (~ N(0, 6²·I)) and φ (~ U[0, 2π)) are fixed tables drawn from <see cref="FeatureSeed"/>, so every
/// split and every --seed shares them; E_* have N(0, 1) entries; ε and ξ are fresh N(0, I) noise per region.
/// The terms add, so the mean over regions keeps which colours and shapes occur but not which colour is on which
/// shape, while each single region keeps the binding. The offset and the 1/8 make the features non-negative like
/// BUTD ones while staying linear: the inner sum has a standard deviation of about 2, so the max clips about 3 values
/// in 100,000.
/// Each object has a main region (its box) and <see cref="PartsPerObject"/> part regions (jittered sub-boxes, same
/// attributes); <see cref="BackgroundRegions"/> large background boxes follow, small clutter fragments fill the rest,
/// and the 36 are shuffled.
/// </summary>
public sealed class RegionFeatures
{
    public const int FeatureSeed = 20_240_607;
    public const int PartsPerObject = 2;
    public const int BackgroundRegions = 4;
    const float Offset = 1f, Scale = 1f / 8, NoiseScale = 0.1f, ClutterSpread = 0.7f, PositionBandwidth = 6f;

    readonly float[][] shapes, colours, sizes;
    readonly float[] background, clutter, frequencies, phases;

    public RegionFeatures(int dim)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dim, 1);
        Dim = dim;
        var rng = new Random(FeatureSeed);
        var gaussian = new GaussianSampler(rng);
        float[] Table() => gaussian.Vector(dim, 1f);
        shapes = [.. Enum.GetValues<Shape>().Select(_ => Table())];
        colours = [.. Enum.GetValues<Colour>().Select(_ => Table())];
        sizes = [.. Enum.GetValues<Size>().Select(_ => Table())];
        background = Table();
        clutter = Table();
        frequencies = gaussian.Vector(4 * dim, PositionBandwidth);
        phases = [.. Enumerable.Range(0, dim).Select(_ => (float)(2 * Math.PI * rng.NextDouble()))];
    }

    public int Dim { get; }

    /// <summary>The 36 regions of the scene's picture, in their shuffled order.</summary>
    public static Region[] Layout(Scene scene, Random rng)
    {
        var regions = new List<Region>(SgrafConfig.Regions);
        for (int i = 0; i < scene.Objects.Count; i++)
        {
            var box = scene.Objects[i].Box;
            regions.Add(new Region(RegionKind.Object, i, box));
            for (int p = 0; p < PartsPerObject; p++)
            {
                double w = box.W * Uniform(rng, 0.5, 0.8), h = box.H * Uniform(rng, 0.5, 0.8);
                var part = new Box(box.X + Uniform(rng, -1, 1) * (box.W - w) / 2, box.Y + Uniform(rng, -1, 1) * (box.H - h) / 2, w, h);
                regions.Add(new Region(RegionKind.Object, i, part));
            }
        }
        for (int b = 0; b < BackgroundRegions; b++) regions.Add(new Region(RegionKind.Background, -1, RandomBox(rng, 0.5, 1.0)));
        while (regions.Count < SgrafConfig.Regions) regions.Add(new Region(RegionKind.Clutter, -1, RandomBox(rng, 0.03, 0.1)));
        var shuffled = regions.ToArray();
        rng.Shuffle(shuffled);
        return shuffled;
    }

    /// <summary>Writes the 36 × <see cref="Dim"/> features of the scene's picture, region by region.</summary>
    /// <param name="rng">Draws the layout and the noise: the same seed gives the same picture.</param>
    public void Write(Scene scene, Random rng, Span<float> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(destination.Length, SgrafConfig.Regions * Dim, nameof(destination));
        var layout = Layout(scene, rng);
        var gaussian = new GaussianSampler(rng);
        var content = new float[Dim];
        for (int r = 0; r < layout.Length; r++)
        {
            var region = layout[r];
            Content(scene, region, gaussian, content);
            var row = destination.Slice(r * Dim, Dim);
            var (x, y, w, h) = ((float)region.Box.X, (float)region.Box.Y, (float)region.Box.W, (float)region.Box.H);
            for (int d = 0; d < Dim; d++)
            {
                var omega = frequencies.AsSpan(4 * d, 4);
                float position = MathF.Sqrt(2) * MathF.Cos(omega[0] * x + omega[1] * y + omega[2] * w + omega[3] * h + phases[d]);
                float sum = content[d] + position + NoiseScale * gaussian.Next();
                row[d] = MathF.Max(0, Offset + Scale * sum);
            }
        }
    }

    void Content(Scene scene, Region region, GaussianSampler gaussian, float[] content)
    {
        switch (region.Kind)
        {
            case RegionKind.Object:
                var o = scene.Objects[region.Object];
                float[] shape = shapes[(int)o.Shape], colour = colours[(int)o.Colour], size = sizes[(int)o.Size];
                for (int d = 0; d < Dim; d++) content[d] = shape[d] + colour[d] + size[d];
                break;
            case RegionKind.Background:
                background.CopyTo(content, 0);
                break;
            default:
                for (int d = 0; d < Dim; d++) content[d] = clutter[d] + ClutterSpread * gaussian.Next();
                break;
        }
    }

    static Box RandomBox(Random rng, double minSide, double maxSide)
    {
        double w = Uniform(rng, minSide, maxSide), h = Uniform(rng, minSide, maxSide);
        return new Box(Uniform(rng, w / 2, 1 - w / 2), Uniform(rng, h / 2, 1 - h / 2), w, h);
    }

    static double Uniform(Random rng, double low, double high) => low + (high - low) * rng.NextDouble();
}
