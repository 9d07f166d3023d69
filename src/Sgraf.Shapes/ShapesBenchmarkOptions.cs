namespace Sgraf.Shapes;

/// <summary>
/// The size and seed of a generated shapes benchmark. The defaults (seed 7; 5000/500/500 images; 2048-d features)
/// train on a 2-core CPU.
/// </summary>
public sealed record ShapesBenchmarkOptions(int Seed = 7, int Train = 5000, int Dev = 500, int Test = 500, int ImgDim = 2048)
{
    public IReadOnlyList<(string Name, int Images)> Splits => [("train", Train), ("dev", Dev), ("test", Test)];

    public int TotalImages => Train + Dev + Test;
}
