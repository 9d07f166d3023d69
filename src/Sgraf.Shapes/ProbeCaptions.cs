namespace Sgraf.Shapes;

/// <summary>A minimally changed caption that is false for the scene, and the kind of change that made it.</summary>
public sealed record ProbeCaption(CaptionMeaning False, string Kind);

/// <summary>
/// Hard negatives for the probe: each true caption changed in one place so that a bag of words barely changes but the
/// meaning does. Relation captions swap the two colours (or, for two objects of one colour, the two sizes) or turn the
/// relation round; conjunctions swap colours (or sizes); counts go one up or down. Only variants that are false for the
/// scene, by <see cref="CaptionMeaning.IsTrueFor"/>, are offered.
/// </summary>
public static class ProbeCaptions
{
    public const string SwapAttributes = "swap_attributes";
    public const string SwapRelation = "swap_relation";
    public const string ChangeCount = "change_count";

    public static IReadOnlyList<ProbeCaption> FalseVariants(Scene scene, CaptionMeaning caption) =>
        Candidates(caption).Where(v => !v.False.IsTrueFor(scene)).ToList();

    static IEnumerable<ProbeCaption> Candidates(CaptionMeaning caption)
    {
        switch (caption)
        {
            case RelationCaption r:
                if (Swapped(r.Subject, r.Object) is var (s, o))
                    yield return new ProbeCaption(r with { Subject = s, Object = o }, SwapAttributes);
                yield return new ProbeCaption(r with { Relation = r.Relation.Opposite() }, SwapRelation);
                break;
            case ConjunctionCaption c:
                if (Swapped(c.First, c.Second) is var (first, second))
                    yield return new ProbeCaption(new ConjunctionCaption(first, second), SwapAttributes);
                break;
            case CountCaption n:
                if (n.Count < AttributeWords.MaxCount) yield return new ProbeCaption(n with { Count = n.Count + 1 }, ChangeCount);
                if (n.Count > 1) yield return new ProbeCaption(n with { Count = n.Count - 1 }, ChangeCount);
                break;
        }
    }

    /// <summary>The two descriptions with their colours exchanged, or their sizes when the colours are the same.</summary>
    static (NounPhrase, NounPhrase)? Swapped(NounPhrase a, NounPhrase b)
    {
        if (a.Colour != b.Colour) return (a with { Colour = b.Colour }, b with { Colour = a.Colour });
        if (a.Size is { } sa && b.Size is { } sb && sa != sb) return (a with { Size = sb }, b with { Size = sa });
        return null;
    }
}
