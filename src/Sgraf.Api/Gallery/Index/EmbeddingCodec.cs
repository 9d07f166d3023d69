using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Sgraf.Inference.Model;
using Sgraf.Inference.Runtime;

namespace Sgraf.Api.Gallery.Index;

/// <summary>
/// The bytes of an add record's payload: the item's embeddings for every model of the bundle, in the bundle's model
/// order, as little-endian float32. Image: per model, regions (36 × D) then global (D), then, for an image added as a
/// picture, the JPEG copy the service keeps of it (<see cref="EncodedImage.Picture"/>) to the end of the payload;
/// payloads written before pictures end with the embeddings and still read. Caption: int32 token count L, then per
/// model, words (L × D) then global (D). The log's bundle hash guarantees the dimensions on replay.
/// </summary>
public sealed class EmbeddingCodec(SgrafBundle bundle)
{
    readonly IReadOnlyList<(SimilarityModule Module, int Dim)> models =
        [.. bundle.Modules.Select(m => (m, bundle.Module(m).EmbedSize))];

    public IReadOnlyList<SimilarityModule> Modules => [.. models.Select(m => m.Module)];

    public int EmbedSize(SimilarityModule module) => models.First(m => m.Module == module).Dim;

    /// <summary>Bytes of an image's embeddings: what its payload holds before a picture.</summary>
    public int ImageEmbeddingBytes => models.Sum(m => (SgrafConfig.Regions + 1) * m.Dim) * sizeof(float);

    public byte[] EncodeImage(EncodedImage image)
    {
        var bytes = new byte[ImageEmbeddingBytes + image.Picture.Length];
        int at = 0;
        foreach (var (module, _) in models)
        {
            var (regions, global) = image.Encodings[module];
            at = Write(bytes, at, regions);
            at = Write(bytes, at, global);
        }
        image.Picture.Span.CopyTo(bytes.AsSpan(at));
        return bytes;
    }

    /// <exception cref="InvalidDataException">The payload does not have this bundle's image layout.</exception>
    public EncodedImage DecodeImage(ReadOnlySpan<byte> payload, string id)
    {
        int expected = ImageEmbeddingBytes;
        if (payload.Length < expected)
            throw new InvalidDataException($"image '{id}' has a {payload.Length}-byte payload; this bundle's images take {expected} (and a picture's JPEG after them)");
        var picture = payload[expected..];
        if (!picture.IsEmpty && !picture.StartsWith(JpegStart))
            throw new InvalidDataException($"image '{id}' has {picture.Length} bytes after its {expected} bytes of embeddings that are not a JPEG (they start with {Convert.ToHexString(picture[..Math.Min(4, picture.Length)])}, not FFD8FF)");
        var encodings = new Dictionary<SimilarityModule, (float[], float[])>();
        int at = 0;
        foreach (var (module, dim) in models)
        {
            var regions = Read(payload, ref at, SgrafConfig.Regions * dim);
            var global = Read(payload, ref at, dim);
            encodings[module] = (regions, global);
        }
        return new EncodedImage(encodings) { Picture = picture.ToArray() };
    }

    /// <summary>The first bytes of every JPEG file: start of image, then the next marker's 0xFF.</summary>
    static ReadOnlySpan<byte> JpegStart => [0xFF, 0xD8, 0xFF];

    public byte[] EncodeCaption(EncodedCaption caption)
    {
        var bytes = new byte[sizeof(int) + models.Sum(m => (caption.Length + 1) * m.Dim) * sizeof(float)];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, caption.Length);
        int at = sizeof(int);
        foreach (var (module, _) in models)
        {
            var (words, global) = caption.Encodings[module];
            at = Write(bytes, at, words);
            at = Write(bytes, at, global);
        }
        return bytes;
    }

    /// <exception cref="InvalidDataException">The payload does not have this bundle's caption layout.</exception>
    public EncodedCaption DecodeCaption(ReadOnlySpan<byte> payload, string id)
    {
        int length = payload.Length >= sizeof(int) ? BinaryPrimitives.ReadInt32LittleEndian(payload) : -1;
        long expected = sizeof(int) + models.Sum(m => (length + 1L) * m.Dim) * sizeof(float);
        if (length < 1 || payload.Length != expected)
            throw new InvalidDataException($"caption '{id}' has a {payload.Length}-byte payload that is not this bundle's caption layout");
        var encodings = new Dictionary<SimilarityModule, (float[], float[])>();
        int at = sizeof(int);
        foreach (var (module, dim) in models)
        {
            var words = Read(payload, ref at, length * dim);
            var global = Read(payload, ref at, dim);
            encodings[module] = (words, global);
        }
        return new EncodedCaption(length, encodings);
    }

    static int Write(byte[] bytes, int at, float[] values)
    {
        var source = MemoryMarshal.AsBytes(values.AsSpan());
        if (BitConverter.IsLittleEndian) source.CopyTo(bytes.AsSpan(at));
        else
            for (int i = 0; i < values.Length; i++)
                BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(at + i * sizeof(float)), values[i]);
        return at + source.Length;
    }

    static float[] Read(ReadOnlySpan<byte> payload, ref int at, int count)
    {
        var values = new float[count];
        var source = payload.Slice(at, count * sizeof(float));
        if (BitConverter.IsLittleEndian) source.CopyTo(MemoryMarshal.AsBytes(values.AsSpan()));
        else
            for (int i = 0; i < count; i++) values[i] = BinaryPrimitives.ReadSingleLittleEndian(source.Slice(i * sizeof(float)));
        at += source.Length;
        return values;
    }
}
