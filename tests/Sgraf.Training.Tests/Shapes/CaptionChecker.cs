using System.Text.RegularExpressions;

namespace Sgraf.Training.Tests.Shapes;

/// <summary>
/// An independent reading of the shapes grammar, written from its documentation rather than from the generator: parses
/// a caption's text and decides it against the objects of scenes.json. "A left of B": B's centre at least 0.15 to the
/// right, horizontal offset exceeding the vertical one by 0.05 (and so on turned); noun phrases exist; counts are exact.
/// </summary>
internal static partial class CaptionChecker
{
    const string Np = @"a (?:(small|large) )?(red|green|blue|yellow|purple) (circle|square|triangle|star|diamond)";

    [GeneratedRegex($"^{Np} (left of|right of|above|below) {Np}$")]
    private static partial Regex RelationPattern();

    [GeneratedRegex($"^{Np} and {Np}$")]
    private static partial Regex ConjunctionPattern();

    [GeneratedRegex(@"^there (is|are) exactly (one|two|three|four) (?:(red|green|blue|yellow|purple) )?(circle|square|triangle|star|diamond|shape)(s?)$")]
    private static partial Regex CountPattern();

    static readonly string[] Numbers = ["zero", "one", "two", "three", "four"];

    /// <summary>True or false for the objects; throws if the text is not in the grammar.</summary>
    public static bool IsTrue(string caption, IReadOnlyList<ObjectRecord> objects)
    {
        if (RelationPattern().Match(caption) is { Success: true } r)
        {
            var relation = r.Groups[4].Value;
            return Pairs(objects, Phrase(r, 1), Phrase(r, 5)).Any(p => Holds(relation, p.A, p.B));
        }
        if (ConjunctionPattern().Match(caption) is { Success: true } c)
            return Pairs(objects, Phrase(c, 1), Phrase(c, 4)).Any();
        if (CountPattern().Match(caption) is { Success: true } n)
        {
            int count = Array.IndexOf(Numbers, n.Groups[2].Value);
            bool singular = n.Groups[1].Value == "is";
            if (singular != (count == 1) || singular != (n.Groups[5].Value == "")) throw new FormatException($"agreement: '{caption}'");
            var colour = n.Groups[3].Value;
            var noun = n.Groups[4].Value;
            return objects.Count(o => (colour == "" || o.Colour == colour) && (noun == "shape" || o.Shape == noun)) == count;
        }
        throw new FormatException($"not in the grammar: '{caption}'");
    }

    static Func<ObjectRecord, bool> Phrase(Match m, int group)
    {
        string size = m.Groups[group].Value, colour = m.Groups[group + 1].Value, shape = m.Groups[group + 2].Value;
        return o => o.Shape == shape && o.Colour == colour && (size == "" || o.Size == size);
    }

    static IEnumerable<(ObjectRecord A, ObjectRecord B)> Pairs(IReadOnlyList<ObjectRecord> objects, Func<ObjectRecord, bool> first, Func<ObjectRecord, bool> second) =>
        from a in objects.Select((o, i) => (o, i))
        from b in objects.Select((o, i) => (o, i))
        where a.i != b.i && first(a.o) && second(b.o)
        select (a.o, b.o);

    static bool Holds(string relation, ObjectRecord a, ObjectRecord b)
    {
        double dx = b.X - a.X, dy = b.Y - a.Y;
        bool horizontal = Math.Abs(dx) >= Math.Abs(dy) + 0.05, vertical = Math.Abs(dy) >= Math.Abs(dx) + 0.05;
        return relation switch
        {
            "left of" => horizontal && dx >= 0.15,
            "right of" => horizontal && dx <= -0.15,
            "above" => vertical && dy >= 0.15,
            "below" => vertical && dy <= -0.15,
            _ => throw new FormatException(relation),
        };
    }
}
