using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Sgraf.Api.Validation;
using Sgraf.Inference.Data;

namespace Sgraf.Api.Images;

/// <summary>
/// Reads the frames of a POST /images/import body (<see cref="ImageFrame"/>) as they arrive, one at a time, and holds
/// each to the rules of POST /images: a valid id, metadata a JSON object within the size limit, finite features, and
/// each id once per request. The body is never buffered beyond one frame.
/// </summary>
public sealed class ImageFrameReader(Stream body, RequestRules rules)
{
    static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    readonly byte[] field = new byte[ImageFrame.FieldBytes];
    readonly byte[] featureBytes = new byte[ImageFrame.FeatureBytes(rules.ImgDim)];
    readonly Dictionary<string, int> seen = new(StringComparer.Ordinal);
    long frameStart;

    /// <summary>Frames read and found valid so far.</summary>
    public int Frames { get; private set; }

    /// <summary>Bytes of the body read so far.</summary>
    public long Offset { get; private set; }

    /// <summary>
    /// The next frame's id and metadata, its 36 × img_dim features read into <paramref name="features"/>; null at the end
    /// of the body (which must fall between frames).
    /// </summary>
    /// <exception cref="InvalidFrameException">The frame is truncated or malformed, or breaks a rule.</exception>
    public async ValueTask<(string Id, JsonObject? Metadata)?> ReadAsync(float[] features, CancellationToken cancellationToken)
    {
        frameStart = Offset;
        string path = $"frames[{Frames}]";
        int got = await body.ReadAtLeastAsync(field, field.Length, throwOnEndOfStream: false, cancellationToken);
        Offset += got;
        if (got == 0) return null;
        if (got < field.Length) throw Invalid(path, $"the body ends {got} byte(s) into a frame; a frame starts with the 4 bytes 'SGIF'");
        if (!field.AsSpan().SequenceEqual(ImageFrame.Magic))
            throw Invalid(path, $"starts with the bytes {Convert.ToHexString(field)}, not 'SGIF' (53474946): not a frame, or the lengths of the frame before it are wrong");

        int idBytes = await ReadLength(path, "id", cancellationToken);
        if (idBytes is < 1 or > ImageFrame.MaxIdBytes)
            throw Invalid($"{path}.id", $"has a length of {idBytes} bytes; an id is 1 to {ImageFrame.MaxIdBytes} bytes of UTF-8");
        var idUtf8 = new byte[idBytes];
        await Fill(idUtf8, path, "id", cancellationToken);
        string id;
        try
        {
            id = StrictUtf8.GetString(idUtf8);
        }
        catch (DecoderFallbackException)
        {
            throw Invalid($"{path}.id", "is not valid UTF-8");
        }

        int metadataBytes = await ReadLength(path, "metadata", cancellationToken);
        if (metadataBytes < 0 || metadataBytes > rules.Limits.MaxMetadataBytes)
            throw Invalid($"{path}.metadata", $"has a length of {metadataBytes} bytes; metadata is 0 (none) to {rules.Limits.MaxMetadataBytes} bytes of JSON (Sgraf:Limits:MaxMetadataBytes)");
        var metadataUtf8 = new byte[metadataBytes];
        await Fill(metadataUtf8, path, "metadata", cancellationToken);

        await Fill(featureBytes, path, "features", cancellationToken);
        if (BitConverter.IsLittleEndian) MemoryMarshal.Cast<byte, float>(featureBytes).CopyTo(features);
        else for (int i = 0; i < features.Length; i++) features[i] = BinaryPrimitives.ReadSingleLittleEndian(featureBytes.AsSpan(i * sizeof(float)));

        var errors = new ValidationErrors();
        rules.CheckId(id, $"{path}.id", errors);
        if (seen.TryGetValue(id, out int first)) errors.Add($"{path}.id", $"'{id}' is the id of frames[{first}] too; each id may appear once per import");
        var metadata = Metadata(metadataUtf8, $"{path}.metadata", errors);
        rules.CheckFinite(features, $"{path}.regions", errors);
        if (errors.Any) throw new InvalidFrameException(Frames, frameStart, Located(errors.ToDictionary()));

        seen[id] = Frames++;
        return (id, metadata);
    }

    JsonObject? Metadata(byte[] utf8, string path, ValidationErrors errors)
    {
        if (utf8.Length == 0) return null;
        JsonElement value;
        try
        {
            using var document = JsonDocument.Parse(utf8);
            value = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            errors.Add(path, $"is not JSON: {e.Message}");
            return null;
        }
        if (value.ValueKind != JsonValueKind.Object)
        {
            errors.Add(path, $"is a JSON {value.ValueKind.ToString().ToLowerInvariant()}; metadata must be an object");
            return null;
        }
        // As in POST /images (StrictRequestJson): a member given twice is an error, not one value silently dropped.
        if (RepeatedJsonMembers.Find(value) is { } repeat)
        {
            errors.Add(path + repeat.Path, $"gives the member '{repeat.Member}' twice in one object; give each member once");
            return null;
        }
        var metadata = JsonObject.Create(value)!;
        rules.CheckMetadata(metadata, path, errors);
        return metadata;
    }

    async ValueTask<int> ReadLength(string path, string part, CancellationToken cancellationToken)
    {
        await Fill(field, path, $"{part} length", cancellationToken);
        return BinaryPrimitives.ReadInt32LittleEndian(field);
    }

    async ValueTask Fill(Memory<byte> buffer, string path, string part, CancellationToken cancellationToken)
    {
        int got = await body.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken);
        Offset += got;
        if (got < buffer.Length)
            throw Invalid(path, $"the body ends {Offset - frameStart} bytes into the frame, {buffer.Length - got} bytes short of the end of its {part}");
    }

    InvalidFrameException Invalid(string path, string message) =>
        new(Frames, frameStart, Located(new Dictionary<string, string[]> { [path] = [message] }));

    // Each message says where its frame starts, so the errors alone locate it in the body.
    Dictionary<string, string[]> Located(Dictionary<string, string[]> errors) =>
        errors.ToDictionary(e => e.Key, e => e.Value.Select(m => $"{m} (the frame starts at byte {frameStart} of the body)").ToArray());
}
