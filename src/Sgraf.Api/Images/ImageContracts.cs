using System.Text.Json.Nodes;

namespace Sgraf.Api.Images;

/// <summary>Images to add to the gallery; an id already there is replaced.</summary>
/// <param name="Images">One or more images, each with a distinct id.</param>
public sealed record AddImagesRequest(IReadOnlyList<NewImage>? Images);

/// <summary>
/// One image as region features: 36 regions × img_dim floats (the bundle's img_dim; 2048 for the demo), either as
/// nested arrays in <c>regions</c> or as little-endian float32 bytes, region by region, in <c>regionsBase64</c>.
/// </summary>
/// <param name="Id">Gallery id: 1–256 characters in Unicode NFC, without control or format characters, / or \, or whitespace at either end. <example>photo-0001</example></param>
/// <param name="Regions">36 arrays of img_dim finite floats (bottom-up attention features).</param>
/// <param name="RegionsBase64">The same features as base64 of 36 × img_dim little-endian float32 values.</param>
/// <param name="Metadata">Any JSON object kept with the image and returned with search hits, e.g. a title and URL.</param>
public sealed record NewImage(string? Id, float[][]? Regions, string? RegionsBase64, JsonObject? Metadata);

/// <summary>What an add did.</summary>
/// <param name="Added">Ids that were new.</param>
/// <param name="Replaced">Ids that replaced an image with the same id.</param>
/// <param name="Ids">The ids, in request order.</param>
public sealed record AddImagesResponse(int Added, int Replaced, IReadOnlyList<string> Ids);

/// <summary>An image of the gallery (its embeddings are not returned).</summary>
public sealed record ImageInfo(string Id, JsonObject? Metadata);

/// <summary>What an import did (its ids are not listed: an import may hold hundreds of thousands).</summary>
/// <param name="Added">Images that were new.</param>
/// <param name="Replaced">Images that replaced one with the same id.</param>
public sealed record ImportImagesResponse(int Added, int Replaced);
