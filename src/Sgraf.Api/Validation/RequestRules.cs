using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;
using Sgraf.Api.Configuration;
using Sgraf.Inference.Data;
using Sgraf.Inference.Model;

namespace Sgraf.Api.Validation;

/// <summary>The checks every request field goes through, each reporting where the problem is.</summary>
public sealed class RequestRules(LimitOptions limits, int imgDim)
{
    public const int DefaultK = 10;

    /// <summary>Queries of raw region features (in base64) a search body always has room for, whatever Sgraf:Limits:MaxSearchBodyBytes says.</summary>
    public const int FeatureQueriesPerSearchBody = 2;

    public LimitOptions Limits => limits;

    public int ImgDim => imgDim;

    /// <summary>
    /// The body limit of searches and explanations: Sgraf:Limits:MaxSearchBodyBytes, raised where this bundle's img_dim
    /// needs more for <see cref="FeatureQueriesPerSearchBody"/> raw-feature queries in base64 and 64 KiB for the rest.
    /// </summary>
    public long SearchBodyBytes =>
        Math.Max(limits.MaxSearchBodyBytes, FeatureQueriesPerSearchBody * 4L * ((SgrafConfig.Regions * imgDim * sizeof(float) + 2) / 3) + (64 << 10));

    /// <summary>The list itself: present, not empty, not over <paramref name="max"/>.</summary>
    public bool CheckList<T>(IReadOnlyList<T>? items, string path, int max, ValidationErrors errors)
    {
        if (items is null || items.Count == 0)
        {
            errors.Add(path, $"is required and must hold at least one item");
            return false;
        }
        if (items.Count > max)
        {
            errors.Add(path, $"has {items.Count} items; at most {max} are allowed per request (Sgraf:Limits)");
            return false;
        }
        return true;
    }

    /// <summary>A new item's id, by <see cref="ItemIds"/>' rules.</summary>
    public void CheckId(string? id, string path, ValidationErrors errors)
    {
        if (ItemIds.Problem(id) is { } problem) errors.Add(path, problem);
    }

    public void CheckDistinct(IEnumerable<string?> ids, string path, ValidationErrors errors)
    {
        var repeated = ids.Where(id => id is not null).GroupBy(id => id, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).Take(5).ToArray();
        if (repeated.Length > 0) errors.Add(path, $"repeats id(s) {string.Join(", ", repeated.Select(id => $"'{id}'"))}; each id may appear once");
    }

    public void CheckText(string? text, string path, ValidationErrors errors)
    {
        if (string.IsNullOrWhiteSpace(text)) errors.Add(path, "is required and must not be empty or only whitespace");
        else if (text.Length > limits.MaxTextLength) errors.Add(path, $"is {text.Length} characters; at most {limits.MaxTextLength} are allowed (Sgraf:Limits:MaxTextLength)");
    }

    public void CheckMetadata(JsonObject? metadata, string path, ValidationErrors errors)
    {
        if (metadata is null) return;
        int bytes = Encoding.UTF8.GetByteCount(metadata.ToJsonString());
        if (bytes > limits.MaxMetadataBytes) errors.Add(path, $"is {bytes} bytes of JSON; at most {limits.MaxMetadataBytes} are allowed (Sgraf:Limits:MaxMetadataBytes)");
    }

    public int K(int? k, string path, ValidationErrors errors)
    {
        int value = k ?? DefaultK;
        if (value < 1 || value > limits.MaxK) errors.Add(path, $"is {value}; k must be from 1 to {limits.MaxK}");
        return value;
    }

    public IReadOnlyList<string>? CandidateIds(IReadOnlyList<string>? ids, string path, Func<string, bool> exists, string kind, ValidationErrors errors)
    {
        if (ids is null) return null;
        if (!CheckList(ids, path, limits.MaxCandidateIds, errors)) return null;
        var unknown = ids.Where(id => id is null || !exists(id)).Distinct().Take(10).ToArray();
        if (unknown.Length > 0) errors.Add(path, $"names {kind} id(s) not in the gallery: {string.Join(", ", unknown.Select(id => $"'{id}'"))}");
        return ids;
    }

    /// <summary>
    /// Region features as 36 × img_dim finite floats, from nested arrays or base64 float32 (exactly one of the two).
    /// Null when they are wrong (and <paramref name="errors"/> says why).
    /// </summary>
    public float[]? Features(float[][]? regions, string? regionsBase64, string path, ValidationErrors errors)
    {
        int expected = SgrafConfig.Regions * imgDim;
        if ((regions is null) == (regionsBase64 is null))
        {
            errors.Add(path, "needs exactly one of 'regions' (36 arrays of img_dim floats) or 'regionsBase64' (36 × img_dim float32, little-endian)");
            return null;
        }
        float[] features;
        if (regions is not null)
        {
            if (regions.Length != SgrafConfig.Regions)
            {
                errors.Add($"{path}.regions", $"has {regions.Length} regions; images have exactly {SgrafConfig.Regions}");
                return null;
            }
            features = new float[expected];
            for (int r = 0; r < regions.Length; r++)
            {
                if (regions[r] is not { } region || region.Length != imgDim)
                {
                    errors.Add($"{path}.regions[{r}]", $"has {regions[r]?.Length ?? 0} values; this bundle's regions have img_dim = {imgDim}");
                    return null;
                }
                region.CopyTo(features, r * imgDim);
            }
        }
        else
        {
            byte[] bytes;
            try
            {
                bytes = Convert.FromBase64String(regionsBase64!);
            }
            catch (FormatException)
            {
                errors.Add($"{path}.regionsBase64", "is not valid base64");
                return null;
            }
            if (bytes.Length != expected * sizeof(float))
            {
                errors.Add($"{path}.regionsBase64", $"decodes to {bytes.Length} bytes; 36 regions × img_dim {imgDim} × 4 bytes = {expected * sizeof(float)} are needed");
                return null;
            }
            features = new float[expected];
            for (int i = 0; i < expected; i++) features[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * sizeof(float)));
        }
        return CheckFinite(features, $"{path}.{(regions is not null ? "regions" : "regionsBase64")}", errors) ? features : null;
    }

    /// <summary>False, naming the first value that is NaN or infinite by region and index (<c>path[12][904]</c>), when there is one.</summary>
    public bool CheckFinite(ReadOnlySpan<float> features, string path, ValidationErrors errors)
    {
        int bad = FiniteValues.FirstNonFinite(features);
        if (bad < 0) return true;
        errors.Add($"{path}[{bad / imgDim}][{bad % imgDim}]", $"is {features[bad]}; features must be finite (no NaN or Infinity)");
        return false;
    }
}
