using Sgraf.TestSupport;
using Sgraf.Inference.Evaluation;

namespace Sgraf.Inference.Tests.Evaluation;

public class ScoreMatrixTests
{
    [Fact]
    public void Save_and_load_round_trip()
    {
        using var dir = new TempDirectory();
        var path = dir.File("sims.npy");
        var sims = new ScoreMatrix(2, 3, [0.1, 0.2, 0.3, 0.4, 0.5, 0.6]);

        sims.Save(path);
        var loaded = ScoreMatrix.Load(path);

        Assert.Equal((2, 3), (loaded.Images, loaded.Captions));
        Assert.Equal(sims.Values, loaded.Values);
        Assert.Equal(0.6, loaded[1, 2]);
    }

    [Fact]
    public void Column_is_every_images_score_for_one_caption()
    {
        var sims = new ScoreMatrix(3, 4, [.. Enumerable.Range(0, 12).Select(v => (double)v)]);

        Assert.Equal([1.0, 5, 9], sims.Column(1));
        Assert.Equal([3.0, 7, 11], sims.Column(3));
        Assert.Throws<ArgumentOutOfRangeException>(() => sims.Column(4));
    }

    [Fact]
    public void Slice_copies_a_block()
    {
        var sims = new ScoreMatrix(3, 4, [.. Enumerable.Range(0, 12).Select(v => (double)v)]);

        var block = sims.Slice(firstImage: 1, images: 2, firstCaption: 2, captions: 2);

        Assert.Equal([6.0, 7, 10, 11], block.Values);
    }

    [Fact]
    public void Load_rejects_a_matrix_that_is_not_two_dimensional()
    {
        using var dir = new TempDirectory();
        var path = dir.File("sims.npy");
        Sgraf.Inference.Data.NpyWriter.Write(path, new Sgraf.Inference.Data.NpyArray<double>([2, 3, 1], new double[6]));

        var error = Assert.Throws<InvalidInputException>(() => ScoreMatrix.Load(path));

        Assert.Equal($"{path}: expected shape (images, captions) but found (2, 3, 1)", error.Message);
    }
}
