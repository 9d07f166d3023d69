using Sgraf.Shapes;

namespace Sgraf.LoadTest.Load;

/// <summary>
/// Text queries for <c>sgraf bench-api</c>: sentences of the shapes caption grammar (<see cref="CaptionGrammar"/>), so
/// every word is in the demo bundle's vocabulary. The service caches query embeddings, so a benchmark that repeats
/// a few sentences measures the cache; <see cref="Distinct"/> gives every caption the grammar can say (27,144), each once.
/// </summary>
internal static class BenchQueries
{
    /// <summary>How many sentences <see cref="Fixed"/> gives.</summary>
    public const int FixedCount = 50;

    /// <summary>Every relation, conjunction and count caption of the grammar, in a seeded random order.</summary>
    public static string[] Distinct(int seed)
    {
        var phrases = NounPhrases().ToArray();
        var captions = new List<string>();
        foreach (var first in phrases)
            foreach (var second in phrases)
            {
                // The grammar's noun phrases each name one object, so two of them never describe the same kind of object.
                if (first.Colour == second.Colour && first.Shape == second.Shape) continue;
                foreach (var relation in Enum.GetValues<SpatialRelation>())
                    captions.Add(new RelationCaption(first, relation, second).Text);
                captions.Add(new ConjunctionCaption(first, second).Text);
            }
        for (int count = 1; count <= AttributeWords.MaxCount; count++)
            foreach (var colour in Optional(Enum.GetValues<Colour>()))
                foreach (var shape in Optional(Enum.GetValues<Shape>()))
                    captions.Add(new CountCaption(count, colour, shape).Text);

        var shuffled = captions.ToArray();
        new Random(seed).Shuffle(shuffled);
        return shuffled;
    }

    /// <summary>A few plausible captions, as a demo's users might send again and again.</summary>
    public static string[] Fixed(int seed) => Distinct(seed)[..FixedCount];

    static IEnumerable<NounPhrase> NounPhrases() =>
        from size in Optional(Enum.GetValues<Size>())
        from colour in Enum.GetValues<Colour>()
        from shape in Enum.GetValues<Shape>()
        select new NounPhrase(size, colour, shape);

    static IEnumerable<T?> Optional<T>(IEnumerable<T> values) where T : struct => values.Select(v => (T?)v).Prepend(null);
}
