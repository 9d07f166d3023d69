namespace Sgraf.Shapes;

/// <summary>
/// An axis-aligned box in picture coordinates: centre (<see cref="X"/>, <see cref="Y"/>) and size
/// (<see cref="W"/>, <see cref="H"/>), all in [0, 1], y growing downwards as in SVG.
/// </summary>
public readonly record struct Box(double X, double Y, double W, double H)
{
    public double Left => X - W / 2;
    public double Right => X + W / 2;
    public double Top => Y - H / 2;
    public double Bottom => Y + H / 2;

    /// <summary>The box reflected about the vertical centre line of the picture.</summary>
    public Box MirroredHorizontally() => this with { X = Round(1 - X) };

    /// <summary>Whether the boxes, each grown by <paramref name="margin"/> on every side, intersect.</summary>
    public bool Overlaps(Box other, double margin) =>
        Left - margin < other.Right + margin && other.Left - margin < Right + margin
        && Top - margin < other.Bottom + margin && other.Top - margin < Bottom + margin;

    /// <summary>Coordinates are kept to three decimals so that scenes.json, the SVG and the semantics agree exactly.</summary>
    public static double Round(double value) => Math.Round(value, 3, MidpointRounding.ToEven);
}
