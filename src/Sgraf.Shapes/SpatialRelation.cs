namespace Sgraf.Shapes;

/// <summary>A spatial relation a caption can state between two objects: "a X left of a Y".</summary>
public enum SpatialRelation { LeftOf, RightOf, Above, Below }

/// <summary>
/// The meaning of the relations. "A left of B" holds when B's centre is at least <see cref="MinGap"/> to the right of
/// A's centre and the horizontal offset exceeds the vertical one by at least <see cref="MinDominance"/>; the other
/// three are the same rule turned. So at most one relation holds for an ordered pair, and a pair placed near a
/// diagonal or too close has none: captions only state relations that are clear.
/// </summary>
public static class SpatialRelations
{
    public const double MinGap = 0.15;
    public const double MinDominance = 0.05;

    public static bool Holds(this SpatialRelation relation, Box a, Box b)
    {
        double dx = b.X - a.X, dy = b.Y - a.Y;
        bool horizontal = Math.Abs(dx) >= Math.Abs(dy) + MinDominance;
        bool vertical = Math.Abs(dy) >= Math.Abs(dx) + MinDominance;
        return relation switch
        {
            SpatialRelation.LeftOf => horizontal && dx >= MinGap,
            SpatialRelation.RightOf => horizontal && -dx >= MinGap,
            SpatialRelation.Above => vertical && dy >= MinGap,
            SpatialRelation.Below => vertical && -dy >= MinGap,
            _ => throw new ArgumentOutOfRangeException(nameof(relation)),
        };
    }

    public static SpatialRelation Opposite(this SpatialRelation relation) => relation switch
    {
        SpatialRelation.LeftOf => SpatialRelation.RightOf,
        SpatialRelation.RightOf => SpatialRelation.LeftOf,
        SpatialRelation.Above => SpatialRelation.Below,
        SpatialRelation.Below => SpatialRelation.Above,
        _ => throw new ArgumentOutOfRangeException(nameof(relation)),
    };

    public static string Words(this SpatialRelation relation) => relation switch
    {
        SpatialRelation.LeftOf => "left of",
        SpatialRelation.RightOf => "right of",
        SpatialRelation.Above => "above",
        SpatialRelation.Below => "below",
        _ => throw new ArgumentOutOfRangeException(nameof(relation)),
    };
}
