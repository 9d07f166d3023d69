using System.Text.Json;
using Microsoft.Extensions.Options;
using Sgraf.Api.Gallery;
using Sgraf.Api.Gallery.Index;
using Sgraf.Api.Search;
using Sgraf.Api.Validation;
using Sgraf.Inference.Data;
using HttpJsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace Sgraf.Api.Cluster;

/// <summary>
/// What a shard accepts, checked by the HTTP path's own rules (<see cref="RequestRules"/>, <see cref="SearchRules"/>,
/// the strict request JSON) and by the codec that recovery decodes with: a shard is called by whatever holds a peer
/// certificate, not only by this service's front, and a record it stores is replayed by every later recovery. Each
/// check returns null when the call is acceptable, else what is wrong with it, by path (<c>records[2].metadata</c>).
/// </summary>
public sealed class ShardRequestRules(RequestRules rules, SearchRules search, EmbeddingCodec codec, ShardCalls shards, IOptions<HttpJsonOptions> json)
{
    public string? Append(int shard, ShardRecord[]? records)
    {
        var errors = new ValidationErrors();
        if (rules.CheckList(records, "records", rules.Limits.MaxItemsPerRequest, errors))
        {
            for (int i = 0; i < records!.Length; i++)
            {
                string path = $"records[{i}]";
                if (records[i] is not { } record)
                {
                    errors.Add(path, "is null");
                    continue;
                }
                OwnedId(shard, record.Id, $"{path}.id", errors);
                Record(record, path, errors);
            }
            rules.CheckDistinct(records.Select(r => r?.Id), "records", errors);
        }
        return Describe(errors);
    }

    public string? Delete(int shard, GalleryItemKind kind, string? id)
    {
        var errors = new ValidationErrors();
        Kind(kind, errors);
        // Any stored id may be deleted, also one stored before ItemIds' rules for new ids (DELETE takes any, too).
        if (string.IsNullOrEmpty(id)) errors.Add("id", "is required");
        else Owned(shard, id, "id", errors);
        return Describe(errors);
    }

    /// <summary>A search's queries (each checked by <paramref name="query"/>), k and model, as POST /search checks them.</summary>
    public string? Search<TQuery>(TQuery[]? queries, int k, string? model, Action<TQuery, string, ValidationErrors> query)
    {
        var errors = new ValidationErrors();
        if (rules.CheckList(queries, "queries", rules.Limits.MaxQueriesPerRequest, errors))
            for (int i = 0; i < queries!.Length; i++)
            {
                if (queries[i] is { } q) query(q, $"queries[{i}]", errors);
                else errors.Add($"queries[{i}]", "is null");
            }
        rules.K(k, "k", errors);
        search.Model(model ?? "", "model", errors);
        return Describe(errors);
    }

    // Candidate ids are not bounded here: the front sends a shortlist's (up to Sgraf:Search:MaxShortlist) as well as a
    // request's, and they only narrow what the shard scores.
    public void TextQuery(ShardTextQuery query, string path, ValidationErrors errors) => rules.CheckText(query.Text, $"{path}.text", errors);

    public void ImageQuery(ShardImageQuery query, string path, ValidationErrors errors) =>
        Decodes(() => codec.DecodeImage(query.Image ?? [], path).Encodings.Values, $"{path}.image", errors);

    void Record(ShardRecord record, string path, ValidationErrors errors)
    {
        var kind = (GalleryRecordKind)record.Kind;
        if (kind is not (GalleryRecordKind.AddImage or GalleryRecordKind.AddCaption))
        {
            errors.Add($"{path}.kind", $"is {record.Kind}; a shard stores adds here ({(byte)GalleryRecordKind.AddImage}: image, {(byte)GalleryRecordKind.AddCaption}: caption) and deletes through DeleteAsync");
            return;
        }
        if (Description(record.Metadata, $"{path}.metadata", errors) is { } description)
        {
            rules.CheckMetadata(description.Metadata, $"{path}.metadata.metadata", errors);
            if (kind == GalleryRecordKind.AddCaption) rules.CheckText(description.Text, $"{path}.metadata.text", errors);
            else if (description.Text is not null) errors.Add($"{path}.metadata.text", "is given for an image; only captions have a text");
        }
        Decodes(() => kind == GalleryRecordKind.AddImage
            ? codec.DecodeImage(record.Payload ?? [], record.Id ?? "").Encodings.Values
            : codec.DecodeCaption(record.Payload ?? [], record.Id ?? "").Encodings.Values, $"{path}.payload", errors);
    }

    /// <summary>The item's description as the front writes it (<see cref="ItemDescription.ToJson"/>), read as strictly as a request body.</summary>
    ItemDescription? Description(string? metadata, string path, ValidationErrors errors)
    {
        try
        {
            if (JsonSerializer.Deserialize<ItemDescription>(metadata ?? "", json.Value.SerializerOptions) is { } description) return description;
            errors.Add(path, "is JSON null; it must be the item's description, {\"text\": …, \"metadata\": {…}}");
        }
        catch (Exception e) when (e is JsonException or RepeatedJsonMemberException)
        {
            errors.Add(path, $"is not the item's description as JSON: {e.Message}");
        }
        return null;
    }

    /// <summary>The payload has this bundle's layout (the codec's own check, as recovery applies it) and only finite values.</summary>
    static void Decodes(Func<IEnumerable<(float[] Tokens, float[] Global)>> decode, string path, ValidationErrors errors)
    {
        try
        {
            if (decode().Any(e => FiniteValues.FirstNonFinite(e.Tokens) >= 0 || FiniteValues.FirstNonFinite(e.Global) >= 0))
                errors.Add(path, "holds a value that is not finite (NaN or Infinity)");
        }
        catch (InvalidDataException e)
        {
            errors.Add(path, e.Message);
        }
    }

    void OwnedId(int shard, string? id, string path, ValidationErrors errors)
    {
        rules.CheckId(id, path, errors);
        if (!string.IsNullOrEmpty(id)) Owned(shard, id, path, errors);
    }

    void Owned(int shard, string id, string path, ValidationErrors errors)
    {
        if (shards.Map.ShardOf(id) is var owner && owner != shard) errors.Add(path, $"'{id}' belongs to shard {owner}, not {shard}");
    }

    static void Kind(GalleryItemKind kind, ValidationErrors errors)
    {
        if (!Enum.IsDefined(kind)) errors.Add("kind", $"is {(int)kind}; it is image or caption");
    }

    static string? Describe(ValidationErrors errors) =>
        errors.Any ? new RequestValidationException(errors.ToDictionary()).Message : null;
}
