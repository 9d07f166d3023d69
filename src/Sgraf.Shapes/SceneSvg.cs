using System.Globalization;
using System.Text;

namespace Sgraf.Shapes;

/// <summary>A picture of a scene for people to look at: a 256 × 256 SVG with one element (class "object") per object.</summary>
public static class SceneSvg
{
    /// <summary>Width and height of the picture, in SVG pixels.</summary>
    public const int Side = 256;

    public static string Render(Scene scene)
    {
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Side}\" height=\"{Side}\" viewBox=\"0 0 {Side} {Side}\">\n");
        svg.Append(CultureInfo.InvariantCulture, $"  <rect class=\"background\" width=\"{Side}\" height=\"{Side}\" fill=\"#f4f1ea\"/>\n");
        foreach (var o in scene.Objects)
        {
            var attributes = $"class=\"object\" data-shape=\"{o.Shape.Word()}\" data-colour=\"{o.Colour.Word()}\" data-size=\"{o.Size.Word()}\" fill=\"{Fill(o.Colour)}\"";
            svg.Append("  ").Append(Element(o.Shape, o.Box, attributes)).Append('\n');
        }
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    static string Element(Shape shape, Box box, string attributes)
    {
        double x = box.X * Side, y = box.Y * Side, w = box.W * Side, h = box.H * Side;
        return shape switch
        {
            Shape.Circle => $"<ellipse {attributes} cx=\"{N(x)}\" cy=\"{N(y)}\" rx=\"{N(w / 2)}\" ry=\"{N(h / 2)}\"/>",
            Shape.Square => $"<rect {attributes} x=\"{N(x - w / 2)}\" y=\"{N(y - h / 2)}\" width=\"{N(w)}\" height=\"{N(h)}\"/>",
            Shape.Triangle => Polygon(attributes, [(x, y - h / 2), (x + w / 2, y + h / 2), (x - w / 2, y + h / 2)]),
            Shape.Diamond => Polygon(attributes, [(x, y - h / 2), (x + w / 2, y), (x, y + h / 2), (x - w / 2, y)]),
            Shape.Star => Polygon(attributes, [.. Enumerable.Range(0, 10).Select(k =>
            {
                double angle = -Math.PI / 2 + k * Math.PI / 5, radius = k % 2 == 0 ? 0.5 : 0.2;
                return (x + radius * w * Math.Cos(angle), y + radius * h * Math.Sin(angle));
            })]),
            _ => throw new ArgumentOutOfRangeException(nameof(shape)),
        };
    }

    static string Polygon(string attributes, (double X, double Y)[] points) =>
        $"<polygon {attributes} points=\"{string.Join(' ', points.Select(p => $"{N(p.X)},{N(p.Y)}"))}\"/>";

    static string N(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    static string Fill(Colour colour) => colour switch
    {
        Colour.Red => "#d62728",
        Colour.Green => "#2ca02c",
        Colour.Blue => "#1f77b4",
        Colour.Yellow => "#f2c80f",
        Colour.Purple => "#9467bd",
        _ => throw new ArgumentOutOfRangeException(nameof(colour)),
    };
}
