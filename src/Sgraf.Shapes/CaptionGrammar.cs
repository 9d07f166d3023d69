namespace Sgraf.Shapes;

/// <summary>
/// The caption grammar of the shapes benchmark (35 words, 5–10 tokens):
/// <code>
/// caption  := np relation np | np "and" np | "there" ("is"|"are") "exactly" number [colour] noun
/// np       := "a" [size] colour shape
/// relation := "left of" | "right of" | "above" | "below"
/// number   := "one" | "two" | "three" | "four";  noun := shape[s] | "shape"[s]
/// </code>
/// Captions are generated only where they are clear: each noun phrase of a relation or conjunction names exactly one
/// object of the scene, relations hold by <see cref="SpatialRelations.Holds"/>, counts are exact, and every caption
/// has at least one false probe variant (<see cref="ProbeCaptions"/>).
/// </summary>
public static class CaptionGrammar
{
    public const int CaptionsPerImage = 5;

    /// <summary>Captions of a twin that must be false for the other scene of the pair.</summary>
    public const int MinDistinguishing = 3;

    // Relative weights of relation, conjunction and count captions among the five.
    static readonly int[] FamilyWeights = [5, 2, 3];

    /// <summary>Every clear, true caption of the scene that has a false probe variant, each text once.</summary>
    public static IReadOnlyList<CaptionMeaning>[] Candidates(Scene scene)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var families = new[] { new List<CaptionMeaning>(), new List<CaptionMeaning>(), new List<CaptionMeaning>() };
        void Add(int family, CaptionMeaning caption)
        {
            if (caption.IsTrueFor(scene) && ProbeCaptions.FalseVariants(scene, caption).Count > 0 && seen.Add(caption.Text))
                families[family].Add(caption);
        }

        var objects = scene.Objects;
        var descriptions = objects.Select(o => UniqueDescriptions(scene, o)).ToArray();
        for (int a = 0; a < objects.Count; a++)
            for (int b = 0; b < objects.Count; b++)
            {
                if (a == b) continue;
                foreach (var first in descriptions[a])
                    foreach (var second in descriptions[b])
                    {
                        foreach (var relation in Enum.GetValues<SpatialRelation>())
                            if (relation.Holds(objects[a].Box, objects[b].Box)) Add(0, new RelationCaption(first, relation, second));
                        Add(1, new ConjunctionCaption(first, second));
                    }
            }

        foreach (var (colour, shape) in objects.Select(o => (o.Colour, o.Shape)).Distinct())
            Add(2, new CountCaption(objects.Count(o => o.Colour == colour && o.Shape == shape), colour, shape));
        foreach (var shape in objects.Select(o => o.Shape).Distinct())
            Add(2, new CountCaption(objects.Count(o => o.Shape == shape), null, shape));
        foreach (var colour in objects.Select(o => o.Colour).Distinct())
            Add(2, new CountCaption(objects.Count(o => o.Colour == colour), colour, null));
        Add(2, new CountCaption(objects.Count, null, null));
        return families;
    }

    /// <summary>
    /// Five different captions, mixing the three families, or null when the scene has fewer than five. With a
    /// <paramref name="partner"/> (the other scene of a twin pair), at least <see cref="MinDistinguishing"/> of them
    /// (where the scene has that many) are false for the partner, so that they pick out their own image of the pair.
    /// </summary>
    public static IReadOnlyList<CaptionMeaning>? Choose(Scene scene, Random rng, Scene? partner)
    {
        var families = Candidates(scene).Select(f => f.ToList()).ToArray();
        if (families.Sum(f => f.Count) < CaptionsPerImage) return null;
        var chosen = new List<CaptionMeaning>(CaptionsPerImage);
        if (partner is not null)
        {
            var distinguishing = families.Select(f => f.Where(c => !c.IsTrueFor(partner)).ToList()).ToArray();
            Draw(distinguishing, Math.Min(MinDistinguishing, distinguishing.Sum(f => f.Count)), rng, chosen);
            foreach (var family in families) family.RemoveAll(chosen.Contains);
        }
        Draw(families, CaptionsPerImage - chosen.Count, rng, chosen);
        return chosen;
    }

    /// <summary>Moves <paramref name="count"/> captions from the families to <paramref name="chosen"/>, a family at a time by weight.</summary>
    static void Draw(List<CaptionMeaning>[] families, int count, Random rng, List<CaptionMeaning> chosen)
    {
        for (int n = 0; n < count; n++)
        {
            int total = Enumerable.Range(0, families.Length).Where(f => families[f].Count > 0).Sum(f => FamilyWeights[f]);
            int pick = rng.Next(total), family = 0;
            for (; ; family++)
            {
                if (families[family].Count == 0) continue;
                if (pick < FamilyWeights[family]) break;
                pick -= FamilyWeights[family];
            }
            int index = rng.Next(families[family].Count);
            chosen.Add(families[family][index]);
            families[family].RemoveAt(index);
        }
    }

    /// <summary>The descriptions, with and without size, that fit this object and no other.</summary>
    static IEnumerable<NounPhrase> UniqueDescriptions(Scene scene, SceneObject o)
    {
        NounPhrase[] forms = [new(null, o.Colour, o.Shape), new(o.Size, o.Colour, o.Shape)];
        return forms.Where(d => scene.Objects.Count(d.Matches) == 1).ToArray();
    }
}
