using System.Buffers.Binary;
using System.Globalization;
using Sgraf.Inference.Model;

namespace Sgraf.LoadTest.Load;

/// <summary>
/// The gallery images of <c>sgraf bench-api</c>: ids <c>bench-000000</c>, <c>bench-000001</c>, … and random region
/// features, ReLU'd standard normal values (bottom-up attention features are non-negative and about half zero). Each
/// image has its own seed, so any image can be made again without the ones before it.
/// </summary>
internal static class BenchImages
{
    public const string IdPrefix = "bench-";

    public static string Id(int index) => string.Create(CultureInfo.InvariantCulture, $"{IdPrefix}{index:D6}");

    /// <summary>The index of a bench id as <see cref="Id"/> writes it; false for any other id.</summary>
    public static bool TryParseIndex(string id, out int index)
    {
        index = -1;
        var digits = id.AsSpan();
        if (!digits.StartsWith(IdPrefix, StringComparison.Ordinal)) return false;
        digits = digits[IdPrefix.Length..];
        return digits.Length >= 6 && int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out index)
            && Id(index) == id;
    }

    /// <summary><see cref="SgrafConfig.Regions"/> regions × <paramref name="imgDim"/> features of image <paramref name="index"/>, region by region.</summary>
    public static float[] Regions(int seed, int index, int imgDim)
    {
        var random = new Random(unchecked(seed * 1_000_003 + index));
        var values = new float[SgrafConfig.Regions * imgDim];
        for (int k = 0; k < values.Length; k += 2)
        {
            // Box–Muller: two independent normal values per pair of uniforms.
            float radius = MathF.Sqrt(-2 * MathF.Log(1 - random.NextSingle()));
            var (sin, cos) = MathF.SinCos(2 * MathF.PI * random.NextSingle());
            values[k] = MathF.Max(0, radius * cos);
            if (k + 1 < values.Length) values[k + 1] = MathF.Max(0, radius * sin);
        }
        return values;
    }

    /// <summary>The service's <c>regionsBase64</c> payload: the values as little-endian float32, whatever this machine's order.</summary>
    public static byte[] LittleEndianBytes(ReadOnlySpan<float> values)
    {
        var bytes = new byte[values.Length * sizeof(float)];
        for (int k = 0; k < values.Length; k++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(k * sizeof(float)), values[k]);
        return bytes;
    }
}
