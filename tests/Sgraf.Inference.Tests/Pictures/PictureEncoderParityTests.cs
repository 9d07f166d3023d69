using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Sgraf.Inference.Pictures;
using Sgraf.TestSupport;

namespace Sgraf.Inference.Tests.Pictures;

/// <summary>
/// picture_encoder.onnx against the package it is built from: its 7 × 7 map averaged equals the package's own two-model
/// chain (ResNetPreprocess.onnx, then ResNet18.onnx) run with ONNX Runtime, and its 36 regions are adaptive average
/// pooling 7 → 6 of that map, computed here independently; on real photos.
/// </summary>
public sealed class PictureEncoderParityTests(PackageEncoderFixture encoder) : IClassFixture<PackageEncoderFixture>
{
    const int Size = PictureEncoderGraph.InputSize, Channels = PictureEncoderGraph.ImgDim, Map = PictureEncoderGraph.MapSize, Grid = PictureEncoderGraph.Grid;

    [Fact]
    public void The_mean_of_the_map_equals_the_packages_two_model_chain_on_real_photos()
    {
        var photos = SamplePhotos.All;
        var pixels = Inputs(photos);
        var (_, map) = encoder.Run(pixels, photos.Count);
        var package = PictureEncoderPackage.Locate();
        using var preprocess = new InferenceSession(package.PreprocessPath);
        using var resnet = new InferenceSession(package.ResNetPath);
        double worst = 0;
        for (int p = 0; p < photos.Count; p++)
        {
            // The package's input: RGB planes, 0–255 as floats, one picture at a time (its graphs have batch 1).
            var planar = new DenseTensor<float>([1, 3, Size, Size]);
            for (int y = 0; y < Size; y++)
                for (int x = 0; x < Size; x++)
                    for (int c = 0; c < 3; c++)
                        planar[0, c, y, x] = pixels[((p * Size + y) * Size + x) * 3 + c];
            using var prepared = preprocess.Run([NamedOnnxValue.CreateFromTensor("OriginalInput", planar)]);
            var bgr = prepared.First().AsTensor<float>();
            using var pooled = resnet.Run([NamedOnnxValue.CreateFromTensor("Input247", bgr)]);
            var expected = pooled.First().AsEnumerable<float>().ToArray();
            Assert.Equal(Channels, expected.Length);
            for (int c = 0; c < Channels; c++)
            {
                double mean = 0;
                for (int i = 0; i < Map * Map; i++) mean += map[((long)p * Channels + c) * Map * Map + i];
                worst = Math.Max(worst, Math.Abs(mean / (Map * Map) - expected[c]));
            }
            Assert.Contains(expected, v => v > 0.5f); // a real photo lights up some channels
        }
        Assert.True(worst <= 1e-5, $"max |d| {worst:E2} over {photos.Count} photos");
    }

    [Fact]
    public void The_regions_are_adaptive_average_pooling_of_the_map_row_major()
    {
        var photos = new[] { SamplePhotos.Chelsea, SamplePhotos.Rocket };
        var (regions, map) = encoder.Run(Inputs(photos), photos.Length);
        double worst = 0;
        for (int p = 0; p < photos.Length; p++)
            for (int row = 0; row < Grid; row++)
                for (int col = 0; col < Grid; col++)
                    for (int c = 0; c < Channels; c++)
                    {
                        // Adaptive pooling n → m: cell i spans [floor(i n / m), ceil((i + 1) n / m)).
                        int y0 = row * Map / Grid, y1 = ((row + 1) * Map + Grid - 1) / Grid;
                        int x0 = col * Map / Grid, x1 = ((col + 1) * Map + Grid - 1) / Grid;
                        double sum = 0;
                        for (int y = y0; y < y1; y++)
                            for (int x = x0; x < x1; x++) sum += map[(((long)p * Channels + c) * Map + y) * Map + x];
                        double expected = sum / ((y1 - y0) * (x1 - x0));
                        float actual = regions[((long)p * Grid * Grid + row * Grid + col) * Channels + c];
                        worst = Math.Max(worst, Math.Abs(actual - expected));
                    }
        Assert.True(worst <= 1e-5, $"max |d| {worst:E2}");
    }

    [Fact]
    public void A_bright_patch_in_the_top_right_corner_moves_region_5_most_as_the_grid_boxes_say()
    {
        // Black, and black with a white 32 × 32 patch in the top right corner: row 0, column 5 of the 6 × 6 grid.
        var pixels = new byte[2 * Size * Size * 3];
        for (int y = 0; y < 32; y++)
            for (int x = Size - 32; x < Size; x++)
                for (int c = 0; c < 3; c++) pixels[Size * Size * 3 + (y * Size + x) * 3 + c] = 255;
        var features = encoder.Encoder.Encode(pixels, 2);
        int floats = encoder.Encoder.FeatureCount;
        var change = Enumerable.Range(0, Grid * Grid).Select(r => Enumerable.Range(0, Channels)
            .Sum(c => Math.Pow(features[floats + r * Channels + c] - features[r * Channels + c], 2))).ToArray();
        int most = Array.IndexOf(change, change.Max());
        Assert.Equal(5, most);
        var box = PictureGrid.Boxes(Size, Size, Grid)[most];
        Assert.Equal(new RegionBox(Size * 5 / 7.0, 0, Size, Size * 2 / 7.0), box);
        Assert.True(box.X1 <= Size - 32 && box.Y2 >= 32, "the patch lies in the box");
    }

    [Fact]
    public void Grid_boxes_are_the_pooled_map_cells_row_major()
    {
        // Cell (r, c) averages the 7 × 7 map's cells r..r+1, c..c+1: two sevenths of the picture each way, overlapping by one.
        var boxes = PictureGrid.Boxes(700, 350, 6);
        Assert.Equal(36, boxes.Count);
        Assert.Equal(new RegionBox(0, 0, 200, 100), boxes[0]);
        Assert.Equal(new RegionBox(100, 50, 300, 150), boxes[7]);
        Assert.Equal(new RegionBox(500, 250, 700, 350), boxes[35]);
    }

    [Fact]
    public void A_picture_gets_the_same_features_alone_as_in_a_batch()
    {
        var photos = SamplePhotos.All;
        var pixels = Inputs(photos);
        var together = encoder.Encoder.Encode(pixels, photos.Count);
        int bytes = encoder.Encoder.InputBytes, floats = encoder.Encoder.FeatureCount;
        for (int p = 0; p < photos.Count; p++)
        {
            var alone = encoder.Encoder.Encode(pixels.AsSpan(p * bytes, bytes), 1);
            Assert.Equal(alone, together.AsSpan(p * floats, floats).ToArray());
        }
    }

    [Fact]
    public void The_same_package_builds_the_same_bytes()
    {
        var package = PictureEncoderPackage.Locate();
        var first = PictureEncoderGraph.Build(package);
        var second = PictureEncoderGraph.Build(package);
        Assert.Equal(first.Description.Sha256, second.Description.Sha256);
        Assert.Equal(first.Graph, second.Graph);
        Assert.Equal(encoder.Built.Description, first.Description with { Source = encoder.Built.Description.Source });
    }

    static byte[] Inputs(IReadOnlyList<string> photos)
    {
        var pixels = new byte[photos.Count * Size * Size * 3];
        for (int p = 0; p < photos.Count; p++)
            PictureInput.Write(File.ReadAllBytes(photos[p]), PictureLimits.Default, Size, pixels.AsSpan(p * Size * Size * 3, Size * Size * 3));
        return pixels;
    }
}

/// <summary>The encoder built once from the package for a test class, as a session of its own and as <see cref="PictureEncoder"/>.</summary>
public sealed class PackageEncoderFixture : IDisposable
{
    readonly InferenceSession session;

    public PackageEncoderFixture()
    {
        Built = PictureEncoderGraph.Build(PictureEncoderPackage.Locate());
        session = new InferenceSession(Built.Graph);
        Encoder = PictureEncoder.FromPackage();
    }

    public BuiltPictureEncoder Built { get; }
    public PictureEncoder Encoder { get; }

    /// <summary>Both outputs: regions (N, 36, 512) and the map (N, 512, 7, 7).</summary>
    public (float[] Regions, float[] Map) Run(byte[] pixels, int count)
    {
        var input = new DenseTensor<byte>(pixels, [count, PictureEncoderGraph.InputSize, PictureEncoderGraph.InputSize, 3]);
        using var outputs = session.Run([NamedOnnxValue.CreateFromTensor(PictureEncoderGraph.InputName, input)],
            [PictureEncoderGraph.RegionsOutput, PictureEncoderGraph.FeatureMapOutput]);
        return (outputs.First(o => o.Name == PictureEncoderGraph.RegionsOutput).AsEnumerable<float>().ToArray(),
            outputs.First(o => o.Name == PictureEncoderGraph.FeatureMapOutput).AsEnumerable<float>().ToArray());
    }

    public void Dispose()
    {
        session.Dispose();
        Encoder.Dispose();
    }
}
