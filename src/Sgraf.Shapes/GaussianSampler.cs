namespace Sgraf.Shapes;

/// <summary>Standard normal samples from a seeded <see cref="Random"/> by the Box–Muller transform, both values of each pair used.</summary>
internal sealed class GaussianSampler(Random rng)
{
    float spare;
    bool hasSpare;

    public float Next()
    {
        if (hasSpare)
        {
            hasSpare = false;
            return spare;
        }
        float radius = MathF.Sqrt(-2 * MathF.Log((float)(1 - rng.NextDouble())));
        float angle = 2 * MathF.PI * (float)rng.NextDouble();
        spare = radius * MathF.Sin(angle);
        hasSpare = true;
        return radius * MathF.Cos(angle);
    }

    public float[] Vector(int length, float scale)
    {
        var vector = new float[length];
        for (int i = 0; i < length; i++) vector[i] = scale * Next();
        return vector;
    }
}
