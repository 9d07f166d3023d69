using Sgraf.Inference.Text;
using Sgraf.TestSupport;

namespace Sgraf.Inference.Tests.Text;

public sealed class VocabularyTests : IDisposable
{
    readonly string directory = Directory.CreateTempSubdirectory("sgraf-vocab-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    string WriteFile(string name, string content)
    {
        var path = Path.Combine(directory, name);
        File.WriteAllText(path, content);
        return path;
    }

    [Fact]
    public void Loads_the_official_fixture_vocabulary()
    {
        var vocabulary = Vocabulary.Load(OfficialFixture.VocabFile);

        Assert.Equal(44, vocabulary.Count);
        Assert.Equal(5, vocabulary.IdOf("man"));
        Assert.Equal(37, vocabulary.IdOf("'s"));
        Assert.Equal(".", vocabulary.WordOf(39));
        Assert.Equal(["<pad>", "<start>", "<end>", "<unk>"], Enumerable.Range(0, 4).Select(vocabulary.WordOf));
    }

    [Fact]
    public void An_unknown_word_maps_to_unk() =>
        Assert.Equal(Vocabulary.UnknownId, Vocabulary.Load(OfficialFixture.VocabFile).IdOf("zebra"));

    [Fact]
    public void Save_writes_the_official_file_byte_for_byte()
    {
        var path = Path.Combine(directory, "vocab.json");
        Vocabulary.Load(OfficialFixture.VocabFile).Save(path);
        Assert.Equal(File.ReadAllBytes(OfficialFixture.VocabFile), File.ReadAllBytes(path));
    }

    [Fact]
    public void Build_puts_the_specials_first_and_keeps_the_first_id_of_a_repeated_word()
    {
        var vocabulary = Vocabulary.Build(["dog", "a", "dog", "<unk>"]);

        Assert.Equal(6, vocabulary.Count);
        Assert.Equal(4, vocabulary.IdOf("dog"));
        Assert.Equal(5, vocabulary.IdOf("a"));
        Assert.Equal(Vocabulary.UnknownId, vocabulary.IdOf("<unk>"));
    }

    [Fact]
    public void Save_then_Load_round_trips_words_python_json_escapes()
    {
        var path = Path.Combine(directory, "vocab.json");
        string[] words = ["café", "\"quoted\"", "back\\slash", "tab\there", "😀"];
        Vocabulary.Build(words).Save(path);

        var text = File.ReadAllText(path);
        Assert.Contains("\"caf\\u00e9\": 4", text);
        Assert.Contains("\"\\ud83d\\ude00\": 8", text);
        var loaded = Vocabulary.Load(path);
        Assert.Equal(9, loaded.Count);
        for (var i = 0; i < words.Length; i++) Assert.Equal(4 + i, loaded.IdOf(words[i]));
    }

    [Fact]
    public void WordOf_rejects_an_id_outside_the_vocabulary() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Vocabulary.Build([]).WordOf(4));

    public static TheoryData<string, string> BadFiles => new()
    {
        { "{\"word2idx\": {\"<pad>\": 0, ", "not a vocabulary JSON file" },
        { "[1, 2]", "no \"word2idx\" object" },
        { "{\"idx2word\": {\"0\": \"<pad>\"}, \"idx\": 1}", "no \"word2idx\" object" },
        { "{\"word2idx\": {\"<pad>\": 0, \"<start>\": 1, \"<end>\": 2, \"<unk>\": 3, \"a\": 3}}", "id 3 is used by both" },
        { "{\"word2idx\": {\"<pad>\": 0, \"<start>\": 1, \"<end>\": 2, \"<unk>\": 3, \"a\": 7}}", "ids must run from 0 to 4" },
        { "{\"word2idx\": {\"<pad>\": 0, \"<start>\": 1, \"<end>\": 2, \"<unk>\": 3, \"a\": \"4\"}}", "not an integer id" },
        { "{\"word2idx\": {\"<start>\": 0, \"<pad>\": 1, \"<end>\": 2, \"<unk>\": 3}}", "ids 0-3 must be <pad>, <start>, <end>, <unk>" },
        { "{\"word2idx\": {\"<pad>\": 0, \"<start>\": 1}}", "id 2 is missing" },
        { "{\"word2idx\": {\"<pad>\": 0, \"<start>\": 1, \"<end>\": 2, \"<unk>\": 3, \"<pad>\": 4}}", "appears twice" },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void A_bad_file_is_rejected_with_its_path_and_what_is_wrong(string content, string problem)
    {
        var path = WriteFile("bad.json", content);
        var error = Assert.Throws<InvalidInputException>(() => Vocabulary.Load(path));
        Assert.StartsWith(path + ": ", error.Message);
        Assert.Contains(problem, error.Message);
    }

    [Fact]
    public void A_missing_file_is_rejected_with_its_path()
    {
        var path = Path.Combine(directory, "absent.json");
        var error = Assert.Throws<InvalidInputException>(() => Vocabulary.Load(path));
        Assert.Equal($"{path}: vocabulary file not found", error.Message);
    }
}
