namespace Sgraf.Inference.Data;

/// <summary>The element types Sgraf reads from and writes to .npy files, all little-endian.</summary>
public enum NpyDtype { Float16, Float32, Float64, Int32, Int64 }

static class NpyDtypes
{
    public static int ItemSize(this NpyDtype dtype) => dtype switch
    {
        NpyDtype.Float16 => 2,
        NpyDtype.Float32 or NpyDtype.Int32 => 4,
        _ => 8,
    };

    public static string Descr(this NpyDtype dtype) => dtype switch
    {
        NpyDtype.Float16 => "<f2",
        NpyDtype.Float32 => "<f4",
        NpyDtype.Float64 => "<f8",
        NpyDtype.Int32 => "<i4",
        _ => "<i8",
    };

    /// <summary>numpy's <c>descr</c> string to a dtype, or a message saying why it is not one we read.</summary>
    public static NpyDtype FromDescr(string descr, out string? problem)
    {
        problem = null;
        foreach (var dtype in Enum.GetValues<NpyDtype>())
        {
            // '=' is native order, which numpy only writes on a little-endian machine for these types.
            if (descr == dtype.Descr() || descr == "=" + dtype.Descr()[1..]) return dtype;
        }
        problem = descr switch
        {
            _ when descr.Contains('O') => $"object arrays ('{descr}') cannot be read without Python",
            ['>', ..] => $"big-endian data ('{descr}') is not supported; save it little-endian (arr.astype('<{descr[1..]}'))",
            _ => $"unsupported dtype '{descr}'; expected one of <f4, <f2, <f8, <i4, <i8",
        };
        return default;
    }
}
