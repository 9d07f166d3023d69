using Sgraf.Inference.Text;
using Sgraf.TestSupport;
using Sgraf.LoadTest.Load;

namespace Sgraf.LoadTest.Tests.Load;

public sealed class BenchQueriesTests
{
    [Fact]
    public void Distinct_queries_are_all_different_and_use_only_words_of_the_demo_bundle()
    {
        var vocabulary = Vocabulary.Load(Path.Combine(RepositoryPaths.Models, "shapes-bundle", "vocab.json"));
        var queries = BenchQueries.Distinct(seed: 1);

        // 75 noun phrases ("a [size] colour shape"), pairs of two kinds of object: 75 × 72 × (4 relations + "and");
        // and 4 counts × 6 colours-or-none × 6 shapes-or-none.
        Assert.Equal(75 * 72 * 5 + 4 * 6 * 6, queries.Length);
        Assert.Equal(queries.Length, queries.Distinct(StringComparer.Ordinal).Count());
        var unknown = queries.SelectMany(q => q.Split(' ')).Distinct().Where(w => vocabulary.IdOf(w) == Vocabulary.UnknownId);
        Assert.Empty(unknown);
    }

    [Fact]
    public void The_order_depends_on_the_seed_and_the_fixed_set_is_its_start()
    {
        var first = BenchQueries.Distinct(seed: 1);

        Assert.Equal(first, BenchQueries.Distinct(seed: 1));
        Assert.NotEqual(first, BenchQueries.Distinct(seed: 2));
        Assert.Equal(first[..BenchQueries.FixedCount], BenchQueries.Fixed(seed: 1));
    }

    [Fact]
    public void The_query_stream_hands_out_every_sentence_before_any_repeats()
    {
        var stream = new QueryStream(["a", "b", "c"]);

        Assert.Equal(["a", "b"], stream.Next(2));
        Assert.Equal(["c", "a"], stream.Next(2));
        Assert.Equal(4, stream.HandedOut);
    }
}
