using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using Sgraf.Api.Pictures;
using Sgraf.Api.Validation;

namespace Sgraf.Api.Images;

/// <summary>One picture part of a multipart upload, as read: where it is in the body, its file name, and its file.</summary>
/// <param name="Index">Its place among the upload's pictures: <c>pictures[Index]</c>.</param>
/// <param name="Part">Its place among all the parts of the body, counted from 0.</param>
public sealed record UploadedPicture(int Index, int Part, string? FileName, byte[] File)
{
    /// <summary>How answers name it: <c>pictures[2] (part 5, file 'beach.jpg')</c>.</summary>
    public string Describe => $"pictures[{Index}] (part {Part}{(FileName is null ? "" : $", file '{FileName}'")})";
}

/// <summary>
/// Reads a multipart/form-data upload of pictures as it arrives, part by part, never more than one part's file at a
/// time (at most Sgraf:Limits:MaxPictureBytes): <c>picture</c> parts (the files), <c>id</c> parts and <c>metadata</c>
/// parts (a JSON object). The n-th <c>id</c> and the n-th <c>metadata</c> belong to the n-th picture and must come
/// before the picture after it, so that pictures can be stored while the upload goes on; without <c>id</c> parts an id
/// is the picture's file name without its extension. Either every picture has an <c>id</c> part or none does.
/// </summary>
public sealed class PictureUpload(Stream body, string boundary, RequestRules rules)
{
    /// <summary>Largest id part: an id is at most 256 characters, 4 bytes each in UTF-8.</summary>
    const int MaxIdBytes = 4 * ItemIdLength;
    const int ItemIdLength = 256;

    static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    readonly MultipartReader reader = new(boundary, body) { HeadersLengthLimit = 16 * 1024, BodyLengthLimit = null };
    readonly List<string> ids = [];
    readonly List<JsonObject?> metadata = [];
    int parts;
    int pictures;

    /// <summary>Pictures read so far.</summary>
    public int Pictures => pictures;

    /// <summary>
    /// The next picture part, after reading the id and metadata parts before it; null at the end of the body. The ids
    /// and metadata of the pictures before it are final once it is returned (<see cref="Describe"/>).
    /// </summary>
    /// <exception cref="RequestValidationException">A part is malformed, unknown, or out of place; the errors name it.</exception>
    /// <exception cref="PictureRefusedException">A picture file is over Sgraf:Limits:MaxPictureBytes (413).</exception>
    public async Task<UploadedPicture?> NextAsync(CancellationToken cancellationToken)
    {
        while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
        {
            int part = parts++;
            if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) || !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase))
                throw RequestValidationException.At($"parts[{part}]", "has no 'Content-Disposition: form-data; name=...' header; each part is a form field named id, picture or metadata");
            string name = HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? "";
            switch (name)
            {
                case "picture":
                    string? fileName = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value;
                    var file = await ReadAsync(section.Body, rules.Limits.MaxPictureBytes, cancellationToken);
                    var picture = new UploadedPicture(pictures++, part, string.IsNullOrEmpty(fileName) ? null : Path.GetFileName(fileName), file ?? []);
                    if (file is null)
                        throw new PictureRefusedException(StatusCodes.Status413PayloadTooLarge, "A picture is too large",
                            "See 'errors'.", new Dictionary<string, string[]>
                            {
                                [$"pictures[{picture.Index}]"] = [$"{picture.Describe}: the file is over {rules.Limits.MaxPictureBytes:N0} bytes (Sgraf:Limits:MaxPictureBytes)"],
                            });
                    CheckInPlace(picture.Index, part);
                    return picture;
                case "id":
                    if (ids.Count < pictures - 1) throw OutOfPlace("id", part, ids.Count);
                    ids.Add(Text(await ReadAsync(section.Body, MaxIdBytes, cancellationToken), $"ids[{ids.Count}]", part, "an id is at most 256 characters"));
                    break;
                case "metadata":
                    if (metadata.Count < pictures - 1) throw OutOfPlace("metadata", part, metadata.Count);
                    metadata.Add(Metadata(await ReadAsync(section.Body, rules.Limits.MaxMetadataBytes, cancellationToken), part));
                    break;
                default:
                    throw RequestValidationException.At($"parts[{part}]",
                        $"is a field named '{name}'; an upload of pictures has fields named picture (a file), id and metadata (a JSON object)");
            }
        }
        Finish();
        return null;
    }

    /// <summary>The id and metadata of <paramref name="picture"/>: final for every picture before the last one read, and for all at the end.</summary>
    public (string Id, JsonObject? Metadata) Describe(UploadedPicture picture) =>
        (ids.Count > 0 ? ids[picture.Index] : Path.GetFileNameWithoutExtension(picture.FileName ?? ""),
            picture.Index < metadata.Count ? metadata[picture.Index] : null);

    /// <summary>When picture <paramref name="index"/> starts, every picture before it has its id (or none has, and none will).</summary>
    void CheckInPlace(int index, int part)
    {
        if (index > 0 && ids.Count > 0 && ids.Count < index)
            throw RequestValidationException.At($"parts[{part}]",
                $"starts pictures[{index}], but pictures[{ids.Count}] had no id part before it; send each picture's id before the next picture");
    }

    void Finish()
    {
        if (pictures == 0) throw RequestValidationException.At("pictures", "the upload holds no picture part; send at least one field named picture with a file");
        if (ids.Count > 0 && ids.Count != pictures)
            throw RequestValidationException.At("ids", $"there are {ids.Count} id parts for {pictures} pictures; give every picture an id part, or none (the file names are the ids then)");
        if (metadata.Count > pictures) throw RequestValidationException.At("metadata", $"there are {metadata.Count} metadata parts for {pictures} pictures");
    }

    RequestValidationException OutOfPlace(string field, int part, int count) =>
        RequestValidationException.At($"parts[{part}]",
            $"is the {field} of pictures[{count}], but pictures[{count + 1}] came before it; send each picture's id and metadata before the next picture");

    /// <summary>The part's bytes; null when there are more than <paramref name="limit"/> (reading stops there).</summary>
    static async Task<byte[]?> ReadAsync(Stream part, long limit, CancellationToken cancellationToken)
    {
        using var bytes = new MemoryStream();
        var buffer = new byte[81920];
        int read;
        while ((read = await part.ReadAsync(buffer, cancellationToken)) > 0)
        {
            if (bytes.Length + read > limit) return null;
            bytes.Write(buffer, 0, read);
        }
        return bytes.ToArray();
    }

    static string Text(byte[]? bytes, string path, int part, string limit)
    {
        if (bytes is null) throw RequestValidationException.At(path, $"(part {part}) is too long; {limit}");
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw RequestValidationException.At(path, $"(part {part}) is not valid UTF-8");
        }
    }

    JsonObject? Metadata(byte[]? bytes, int part)
    {
        string path = $"metadata[{metadata.Count}]";
        string json = Text(bytes, path, part, $"metadata is at most {rules.Limits.MaxMetadataBytes} bytes of JSON (Sgraf:Limits:MaxMetadataBytes)");
        if (json.Length == 0) return null;
        JsonElement value;
        try
        {
            using var document = JsonDocument.Parse(json);
            value = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw RequestValidationException.At(path, $"(part {part}) is not JSON: {e.Message}");
        }
        if (value.ValueKind != JsonValueKind.Object)
            throw RequestValidationException.At(path, $"(part {part}) is a JSON {value.ValueKind.ToString().ToLowerInvariant()}; metadata must be an object");
        if (RepeatedJsonMembers.Find(value) is { } repeat)
            throw RequestValidationException.At(path + repeat.Path, $"(part {part}) gives the member '{repeat.Member}' twice in one object; give each member once");
        return JsonObject.Create(value);
    }
}
