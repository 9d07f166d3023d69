using Sgraf.TestSupport;
using Sgraf.Inference.Text;

namespace Sgraf.Inference.Tests.Text;

/// <summary>vocab.py build_vocab (spec §11): count ≥ threshold, specials 0–3, then words in order of first occurrence.</summary>
public sealed class VocabularyBuilderTests
{
    // Counts: a 6, dog 4, runs 4, The→the 4, cat 3, ! 4, sits 1. First occurrences: a, dog, runs, !, the, cat, sits.
    static readonly string[] Captions =
    [
        "A dog runs!",
        "a dog runs !",
        "The cat sits.",
        "  THE dog   runs a a",
        "the cat a!",
        "the cat dog runs!",
    ];

    [Fact]
    public void Keeps_words_seen_at_least_four_times_in_order_of_first_occurrence()
    {
        var vocabulary = VocabularyBuilder.Build(Captions);
        Assert.Equal(["<pad>", "<start>", "<end>", "<unk>", "a", "dog", "runs", "!", "the"],
            Enumerable.Range(0, vocabulary.Count).Select(vocabulary.WordOf));
    }

    [Fact]
    public void Threshold_is_inclusive_and_configurable()
    {
        var vocabulary = VocabularyBuilder.Build(Captions, threshold: 3);
        Assert.Equal(10, vocabulary.Count);
        Assert.Equal("cat", vocabulary.WordOf(9));
        Assert.Equal(Vocabulary.UnknownId, vocabulary.IdOf("sits"));
        Assert.Equal(4, VocabularyBuilder.Build(Captions, threshold: 7).Count);
    }

    [Fact]
    public void Written_vocabulary_reads_back_identically()
    {
        using var dir = new TempDirectory();
        var vocabulary = VocabularyBuilder.Build(Captions, threshold: 1);
        vocabulary.Save(dir.File("vocab.json"));
        var loaded = Vocabulary.Load(dir.File("vocab.json"));
        Assert.Equal(Enumerable.Range(0, vocabulary.Count).Select(vocabulary.WordOf), Enumerable.Range(0, loaded.Count).Select(loaded.WordOf));
        Assert.Equal(vocabulary.IdOf("sits"), loaded.IdOf("sits"));
    }
}
