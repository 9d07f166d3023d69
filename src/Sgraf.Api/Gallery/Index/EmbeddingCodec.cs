using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Sgraf.Inference.Model;
using Sgraf.Inference.Runtime;

namespace Sgraf.Api.Gallery.Index;

/// <summary>
/// The bytes of an add record's payload: the item's embeddings for every model of the bundle, in the bundle's model
/// order, as little-endian float32. Image: per model, regions (36 × D) then global (D). Caption: int32 token count L,
/// then per model, words (L × D) then global (D). The log's bundle hash guarantees the dimensions on replay.
/// </summary>
public sealed class EmbeddingCodec(SgrafBundle bundle)
{
    readonly IReadOnlyList<(SimilarityModule Module, int Dim)> models =
        [.. bundle.Modules.Select(m => (m, bundle.Module(m).EmbedSize))];

    public IReadOnlyList<SimilarityModule> Modules => [.. models.Select(m => m.Module)];

    public int EmbedSize(SimilarityModule module) => models.First(m => m.Module == module).Dim;

    public byte[] EncodeImage(EncodedImage image)
    {
        var bytes = new byte[models.Sum(m => (SgrafConfig.Regions + 1) * m.Dim) * sizeof(float)];
        int at = 0;
        foreach (var (module, _) in models)
        {
            var (regions, global) = image.Encodings[module];
            at = Write(bytes, at, regions);
            at = Write(bytes, at, global);
        }
        return bytes;
    }

    /// <exception cref="InvalidDataException">The payload does not have this bundle's image layout.</exception>
    public EncodedImage DecodeImage(ReadOnlySpan<byte> payload, string id)
    {
        int expected = models.Sum(m => (SgrafConfig.Regions + 1) * m.Dim) * sizeof(float);
        if (payload.Length != expected)
            throw new InvalidDataException($"image '{id}' has a {payload.Length}-byte payload; this bundle's images take {expected}");
        var encodings = new Dictionary<SimilarityModule, (float[], float[])>();
        int at = 0;
        foreach (var (module, dim) in models)
        {
            var regions = Read(payload, ref at, SgrafConfig.Regions * dim);
            var global = Read(payload, ref at, dim);
            encodings[module] = (regions, global);
        }
        return new EncodedImage(encodings);
    }

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
