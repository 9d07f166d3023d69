using Sgraf.Inference.Text;
using Sgraf.TestSupport;

namespace Sgraf.Inference.Tests.Text;

/// <summary>A --data folder that is not there, or empty, is said so: "no vocabulary found next to the data" sent users looking for a vocabulary.</summary>
public sealed class VocabularyLocatorTests
{
    [Fact]
    public void A_folder_that_does_not_exist_is_said_so()
    {
        using var dir = new TempDirectory();
        var missing = dir.File("no-such-data");
        var error = Assert.Throws<InvalidInputException>(() => VocabularyLocator.Find(missing));
        Assert.StartsWith($"{missing}: folder not found", error.Message);
    }

    [Fact]
    public void An_empty_folder_is_said_so()
    {
        using var dir = new TempDirectory();
        var error = Assert.Throws<InvalidInputException>(() => VocabularyLocator.Find(dir.Path));
        Assert.StartsWith($"{dir.Path}: the folder is empty", error.Message);
    }

    [Fact]
    public void A_folder_of_data_without_a_vocabulary_names_where_one_was_looked_for()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("test_caps.txt"), "a\n");
        var error = Assert.Throws<InvalidInputException>(() => VocabularyLocator.Find(dir.Path));
        Assert.Contains("no vocabulary found next to the data", error.Message);
        Assert.Contains("vocab.json", error.Message);
    }
}
