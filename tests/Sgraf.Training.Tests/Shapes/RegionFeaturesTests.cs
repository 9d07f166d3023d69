using Sgraf.Shapes;

namespace Sgraf.Training.Tests.Shapes;

public sealed class RegionFeaturesTests
{
    const int Dim = 256;
    static readonly RegionFeatures Features = new(Dim);

    static readonly Scene RedCircleLeftOfBlueSquare = new([
        new SceneObject(Shape.Circle, Colour.Red, Size.Large, new Box(0.25, 0.5, 0.3, 0.3)),
        new SceneObject(Shape.Square, Colour.Blue, Size.Small, new Box(0.75, 0.5, 0.15, 0.15)),
    ]);

    static readonly Scene BlueCircleLeftOfRedSquare = new([
        RedCircleLeftOfBlueSquare.Objects[0] with { Colour = Colour.Blue },
        RedCircleLeftOfBlueSquare.Objects[1] with { Colour = Colour.Red },
    ]);

    static float[][] Regions(Scene scene)
    {
        var features = new float[36 * Dim];
        Features.Write(scene, new Random(5), features);
        return [.. Enumerable.Range(0, 36).Select(r => features.AsSpan(r * Dim, Dim).ToArray())];
    }

    static double Distance(float[] a, float[] b) => Math.Sqrt(a.Zip(b, (x, y) => (double)(x - y) * (x - y)).Sum());

    static float[] Mean(float[][] regions) => [.. Enumerable.Range(0, Dim).Select(d => regions.Average(r => r[d]))];

    [Fact]
    public void Swapping_colours_leaves_the_mean_over_regions_but_not_the_single_regions()
    {
        var scene = Regions(RedCircleLeftOfBlueSquare);
        var twin = Regions(BlueCircleLeftOfRedSquare);

        double meanDistance = Distance(Mean(scene), Mean(twin));
        // A twin region is far from every region of the scene when it carries a binding the scene lacks.
        var nearest = twin.Select(t => scene.Min(s => Distance(s, t))).ToArray();
        Assert.Equal(6, nearest.Count(d => d > 1));
        Assert.Equal(30, nearest.Count(d => d < 1e-6));
        Assert.True(meanDistance < 0.01 * nearest.Max(), $"mean moved {meanDistance}, single regions {nearest.Max()}");
    }

    [Fact]
    public void The_same_seed_gives_the_same_features_and_every_object_has_three_regions()
    {
        Assert.Equal(Regions(RedCircleLeftOfBlueSquare), Regions(RedCircleLeftOfBlueSquare));
        var layout = RegionFeatures.Layout(RedCircleLeftOfBlueSquare, new Random(1));
        Assert.Equal(36, layout.Length);
        Assert.Equal(3, layout.Count(r => r.Kind == RegionKind.Object && r.Object == 0));
        Assert.Equal(3, layout.Count(r => r.Kind == RegionKind.Object && r.Object == 1));
        Assert.Equal(RegionFeatures.BackgroundRegions, layout.Count(r => r.Kind == RegionKind.Background));
    }
}
