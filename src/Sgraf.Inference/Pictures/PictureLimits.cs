namespace Sgraf.Inference.Pictures;

/// <summary>
/// Bounds on a picture, checked before it is decoded: a small file can declare a huge canvas (a decompression bomb),
/// so the header's size is checked before any pixel memory is taken.
/// </summary>
public sealed record PictureLimits
{
    /// <summary>Width × height as the header declares it; 40 MP by default (a 7,300 × 5,500 photo).</summary>
    public long MaxPixels { get; init; } = 40_000_000;

    /// <summary>The encoded file's size; 20 MB (20 × 1024 × 1024 bytes) by default.</summary>
    public long MaxBytes { get; init; } = 20L * 1024 * 1024;

    public static PictureLimits Default { get; } = new();

    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxPixels, nameof(MaxPixels));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxBytes, nameof(MaxBytes));
    }
}
