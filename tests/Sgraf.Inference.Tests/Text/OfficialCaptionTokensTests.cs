using System.Text;
using System.Text.Json;
using Sgraf.Inference.Text;
using Sgraf.TestSupport;

namespace Sgraf.Inference.Tests.Text;

/// <summary>
/// Every caption of the official fixture, tokenized and encoded by the official PrecompDataset
/// (expected/tokens.json), against the raw lines of test_caps.txt.
/// </summary>
public class OfficialCaptionTokensTests
{
    static readonly Lazy<Vocabulary> FixtureVocabulary = new(() => Vocabulary.Load(OfficialFixture.VocabFile));

    static readonly Lazy<JsonElement[]> Expected = new(() =>
        JsonDocument.Parse(File.ReadAllBytes(OfficialFixture.Expected("tokens.json"))).RootElement.EnumerateArray().ToArray());

    // The official reader iterates the file's lines in binary: split at '\n', nothing after the last one.
    static readonly Lazy<string[]> RawLines = new(() =>
    {
        var text = File.ReadAllText(Path.Combine(OfficialFixture.DataDir, "test_caps.txt"), Encoding.UTF8);
        var lines = text.Split('\n');
        return text.EndsWith('\n') ? lines[..^1] : lines;
    });

    public static TheoryData<int> CaptionIndexes()
    {
        var indexes = new TheoryData<int>();
        for (var i = 0; i < 100; i++) indexes.Add(i);
        return indexes;
    }

    [Fact]
    public void The_fixture_has_one_expectation_per_caption_line()
    {
        Assert.Equal(100, Expected.Value.Length);
        Assert.Equal(100, RawLines.Value.Length);
    }

    [Theory]
    [MemberData(nameof(CaptionIndexes))]
    public void Normalize_strips_and_lowercases_like_the_official_reader(int index)
    {
        var expected = Expected.Value[index];
        Assert.Equal(index, expected.GetProperty("index").GetInt32());
        Assert.Equal(expected.GetProperty("lowered").GetString(), CaptionTokenizer.Normalize(RawLines.Value[index]));
    }

    [Theory]
    [MemberData(nameof(CaptionIndexes))]
    public void Tokens_equal_the_official_tokens(int index)
    {
        var expected = Expected.Value[index].GetProperty("tokens").EnumerateArray().Select(t => t.GetString()!).ToArray();
        Assert.Equal(expected, CaptionTokenizer.Tokenize(RawLines.Value[index]));
    }

    [Theory]
    [MemberData(nameof(CaptionIndexes))]
    public void Ids_equal_the_official_ids(int index)
    {
        var expected = Expected.Value[index];
        var ids = CaptionTokenizer.Encode(RawLines.Value[index], FixtureVocabulary.Value);
        Assert.Equal(expected.GetProperty("ids").EnumerateArray().Select(t => t.GetInt32()).ToArray(), ids);
        Assert.Equal(expected.GetProperty("length").GetInt32(), ids.Length);
    }
}
