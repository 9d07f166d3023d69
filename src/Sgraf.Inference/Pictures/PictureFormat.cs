namespace Sgraf.Inference.Pictures;

/// <summary>The picture formats Sgraf decodes.</summary>
public enum PictureFormat
{
    Jpeg,
    Png,
    Webp,
}
