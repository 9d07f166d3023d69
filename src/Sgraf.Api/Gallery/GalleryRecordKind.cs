namespace Sgraf.Api.Gallery;

/// <summary>What one record of the gallery log does. The numeric values are on disk: never renumber.</summary>
public enum GalleryRecordKind : byte
{
    /// <summary>First record of every log; its id is the bundle hash the gallery was encoded with.</summary>
    Header = 0,
    AddImage = 1,
    DeleteImage = 2,
    AddCaption = 3,
    DeleteCaption = 4,
}
