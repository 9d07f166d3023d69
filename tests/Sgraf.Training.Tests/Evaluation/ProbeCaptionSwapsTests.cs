using Sgraf.Inference.Text;
using Sgraf.Training.Evaluation;

namespace Sgraf.Training.Tests.Evaluation;

public sealed class ProbeCaptionSwapsTests
{
    static readonly Vocabulary Words = Vocabulary.Build(
        ["a", "black", "white", "dog", "runs", "two", "three", "men", "women", "are", "running", "sitting", "in", "swimming", "pool", "the", "man", "brown"]);

    [Fact]
    public void Each_caption_with_a_known_kind_of_word_gets_one_false_twin_differing_in_that_word_only()
    {
        string[] captions = ["a black dog runs", "two men are running", "a dog in the swimming pool", "the dog", "a brown and white dog"];
        var entries = ProbeCaptionSwaps.Make(captions, captionsPerImage: 1, Words, seed: 1);

        // "swimming" after "the" names a pool, "the dog" has nothing to swap: captions 2 and 3 give no entry.
        Assert.Equal([0, 1, 4], entries.Select(e => e.Caption));
        foreach (var entry in entries)
        {
            Assert.Equal(captions[entry.Caption], entry.True);
            Assert.Equal(entry.Caption, entry.Image);
            var before = entry.True.Split(' ');
            var after = entry.False.Split(' ');
            var changed = Enumerable.Range(0, before.Length).Where(i => before[i] != after[i]).ToArray();
            var position = Assert.Single(changed);
            var group = ProbeCaptionSwaps.Kinds[entry.Kind];
            Assert.Contains(before[position].ToLowerInvariant(), group);
            Assert.Contains(after[position], group);
            // Never a word the model does not know, never a word the caption already holds ("brown and white" → not "white").
            Assert.NotEqual(Vocabulary.UnknownId, Words.IdOf(after[position]));
            Assert.DoesNotContain(after[position], before);
        }
        Assert.Contains(entries[0].False, new[] { "a white dog runs", "a brown dog runs" });
        Assert.Contains(entries[2].False, new[] { "a black and white dog", "a brown and black dog" });
    }

    [Fact]
    public void The_same_seed_gives_the_same_probe()
    {
        string[] captions = ["two men are running", "a black dog runs", "three women are sitting"];
        var first = ProbeCaptionSwaps.Make(captions, 1, Words, seed: 7);
        var second = ProbeCaptionSwaps.Make(captions, 1, Words, seed: 7);
        Assert.Equal(first, second);
    }
}
