using Sgraf.Inference;
using Sgraf.Training.Features;

namespace Sgraf.Training.Tests.Features;

/// <summary>The Flickr caption and split files as extract-features reads them: order kept, bad lines named.</summary>
public sealed class FlickrFilesTests : IDisposable
{
    readonly TempDirectory work = new();

    public void Dispose() => work.Dispose();

    [Fact]
    public void Captions_are_kept_by_photo_in_the_order_of_their_number()
    {
        var path = work.File("captions.txt");
        File.WriteAllLines(path, ["b.jpg#1\tsecond of b", "a.jpg#0\tfirst of a ", "b.jpg#0\tfirst of b", "", "x.jpg.1#0\tan id with a dot"]);
        var captions = FlickrCaptions.Read(path);
        Assert.Equal(["first of b", "second of b"], captions.Of("b.jpg"));
        Assert.Equal(["first of a"], captions.Of("a.jpg"));
        Assert.Equal(["an id with a dot"], captions.Of("x.jpg.1"));
        Assert.Empty(captions.Of("c.jpg"));
    }

    [Theory]
    [InlineData("a.jpg\tno number", "line 2")]
    [InlineData("a.jpg#x\tnot a number", "line 2")]
    [InlineData("a.jpg#0 no tab", "line 2")]
    [InlineData("a.jpg#0\tagain", "line 2 gives caption 0 of a.jpg a second time")]
    public void A_bad_caption_line_is_refused_by_number(string line, string message)
    {
        var path = work.File("captions.txt");
        File.WriteAllLines(path, ["a.jpg#0\tfine", line]);
        var refused = Assert.Throws<InvalidInputException>(() => FlickrCaptions.Read(path));
        Assert.Contains(path, refused.Message);
        Assert.Contains(message, refused.Message);
    }

    [Fact]
    public void Splits_are_read_in_train_dev_test_order_and_a_photo_in_two_is_refused()
    {
        File.WriteAllLines(work.File(FlickrSplits.FileName("test")), ["c.jpg"]);
        File.WriteAllLines(work.File(FlickrSplits.FileName("train")), ["a.jpg", "b.jpg", ""]);
        var splits = FlickrSplits.Read(work.Path);
        Assert.Equal(["train", "test"], splits.Select(s => s.Name));
        Assert.Equal(["a.jpg", "b.jpg"], splits[0].Photos);

        File.WriteAllLines(work.File(FlickrSplits.FileName("dev")), ["b.jpg"]);
        var refused = Assert.Throws<InvalidInputException>(() => FlickrSplits.Read(work.Path));
        Assert.Contains("b.jpg is already in the train split", refused.Message);

        var empty = Directory.CreateDirectory(work.File("empty")).FullName;
        Assert.Contains("Flickr_8k.trainImages.txt", Assert.Throws<InvalidInputException>(() => FlickrSplits.Read(empty)).Message);
    }
}
