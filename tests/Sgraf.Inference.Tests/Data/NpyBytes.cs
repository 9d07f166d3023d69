using System.Text;

namespace Sgraf.Inference.Tests.Data;

/// <summary>Hand-built .npy files, including ones numpy would never write, for the reader's error paths.</summary>
static class NpyBytes
{
    public static byte[] Build(string headerDict, byte[] data, int major = 1)
    {
        var text = headerDict + "\n";
        var bytes = new List<byte> { 0x93 };
        bytes.AddRange("NUMPY"u8.ToArray());
        bytes.AddRange([(byte)major, 0]);
        bytes.AddRange(major == 1 ? BitConverter.GetBytes((ushort)text.Length) : BitConverter.GetBytes((uint)text.Length));
        bytes.AddRange(Encoding.UTF8.GetBytes(text));
        bytes.AddRange(data);
        return [.. bytes];
    }

    public static string Dict(string descr, string shape, string fortranOrder = "False") =>
        $"{{'descr': '{descr}', 'fortran_order': {fortranOrder}, 'shape': {shape}, }}";

    public static byte[] Of<T>(params T[] values) where T : unmanaged =>
        System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
}
