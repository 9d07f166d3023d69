namespace Sgraf.Api.Tests.Gallery.Local;

/// <summary>A scratch data directory per test, removed afterwards.</summary>
internal sealed class GalleryDirectory : IDisposable
{
    public const string Bundle = "bundle-a";

    public GalleryDirectory()
    {
        Root = Directory.CreateTempSubdirectory("sgraf-gallery-").FullName;
        LogPath = Path.Combine(Root, "gallery.log");
    }

    public string Root { get; }
    public string LogPath { get; }

    public static byte[] Embedding(int seed, int size = 64)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
