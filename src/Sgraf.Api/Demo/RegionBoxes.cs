using System.Text.Json.Nodes;
using Sgraf.Shapes;

namespace Sgraf.Api.Demo;

/// <summary>
/// The <c>boxes</c> metadata convention (README, "Region boxes"): one [x1, y1, x2, y2] per region, in the order of
/// the image's region features, in the pixels of a width × height picture — what bottom-up-attention extraction
/// gives for users' own features. The search page draws a word's most attended regions from it.
/// </summary>
public static class RegionBoxes
{
    public static JsonArray ToJson(IReadOnlyList<Region> regions, int side) =>
        [.. regions.Select(r => (JsonNode)new JsonArray(Pixels(r.Box.Left, side), Pixels(r.Box.Top, side), Pixels(r.Box.Right, side), Pixels(r.Box.Bottom, side)))];

    // A tenth of a pixel is finer than anyone can see and keeps 36 boxes well inside the metadata size limit.
    static JsonNode Pixels(double unit, int side) => JsonValue.Create(Math.Round(unit * side, 1))!;
}
