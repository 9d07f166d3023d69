using System.Text.Json.Nodes;
using Sgraf.Inference.Pictures;

namespace Sgraf.Api.Pictures;

/// <summary>
/// What the service adds to the metadata of an image added as a picture, where the caller gave none of it: <c>url</c>,
/// the stored copy (GET /images/{id}/picture, a path on the service); and <c>width</c>, <c>height</c> and <c>boxes</c>,
/// the copy's size and its grid cells in the order of the image's region features (<see cref="PictureGrid"/>), so
/// explanations draw on the photo (the README's region-box convention).
/// </summary>
public static class PictureMetadata
{
    /// <summary>The picture's path on the service, with the id escaped as one path segment.</summary>
    public static string Url(string id) => $"/images/{Uri.EscapeDataString(id)}/picture";

    /// <summary>A copy of <paramref name="metadata"/> (or a new object) with what is missing added.</summary>
    public static JsonObject For(string id, JsonObject? metadata, PictureCopy copy, int grid)
    {
        var result = metadata?.DeepClone().AsObject() ?? [];
        if (!result.ContainsKey("url")) result["url"] = Url(id);
        if (!result.ContainsKey("boxes"))
            foreach (var (member, value) in GridBoxes(copy.Width, copy.Height, grid)) result[member] = value?.DeepClone();
        return result;
    }

    /// <summary>
    /// <c>width</c>, <c>height</c> and the grid's <c>boxes</c> in a picture of that size. An explanation of a picture sent
    /// with the request (nothing kept) gets them in the encoder's input square: the boxes are the same share of any size,
    /// and the page stretches them over the photo it shows.
    /// </summary>
    public static JsonObject GridBoxes(int width, int height, int grid) => new()
    {
        ["width"] = width,
        ["height"] = height,
        // A tenth of a pixel is finer than any screen draws them, and keeps the metadata small.
        ["boxes"] = new JsonArray([.. PictureGrid.Boxes(width, height, grid).Select(b =>
            new JsonArray(Round(b.X1), Round(b.Y1), Round(b.X2), Round(b.Y2)))]),
    };

    static JsonNode Round(double value) => JsonValue.Create(Math.Round(value, 1));
}
