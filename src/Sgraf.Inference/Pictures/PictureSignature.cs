using System.Text;

namespace Sgraf.Inference.Pictures;

/// <summary>
/// Recognises a file's format from its first bytes, so a refusal can name it: Skia's decoders know only some of the
/// formats people send (TIFF, HEIC, SVG and PDF it does not open at all).
/// </summary>
internal static class PictureSignature
{
    /// <summary>The supported format the file claims to be, whether or not the rest of it is sound.</summary>
    public static PictureFormat? Supported(ReadOnlySpan<byte> file)
    {
        if (file.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF])) return PictureFormat.Jpeg;
        if (file.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A])) return PictureFormat.Png;
        if (file.Length >= 12 && file.StartsWith("RIFF"u8) && file[8..12].SequenceEqual("WEBP"u8)) return PictureFormat.Webp;
        return null;
    }

    /// <summary>The name of a known format Sgraf does not take, or null.</summary>
    public static string? Unsupported(ReadOnlySpan<byte> file)
    {
        if (file.StartsWith("GIF87a"u8) || file.StartsWith("GIF89a"u8)) return "GIF";
        if (file.StartsWith("BM"u8) && file.Length >= 14) return "BMP";
        if (file.StartsWith("II*\0"u8) || file.StartsWith("MM\0*"u8)) return "TIFF";
        if (file.StartsWith("%PDF"u8)) return "PDF";
        if (file.Length >= 12 && file[4..8].SequenceEqual("ftyp"u8))
        {
            var brand = Encoding.ASCII.GetString(file[8..12]);
            if (brand is "avif" or "avis") return "AVIF";
            if (brand is "heic" or "heix" or "hevc" or "hevx" or "heim" or "heis" or "mif1" or "msf1") return "HEIC";
        }
        if (LooksLikeSvg(file)) return "SVG";
        return null;
    }

    static bool LooksLikeSvg(ReadOnlySpan<byte> file)
    {
        var head = Encoding.UTF8.GetString(file[..Math.Min(file.Length, 1024)]);
        return head.Contains("<svg", StringComparison.OrdinalIgnoreCase);
    }
}
