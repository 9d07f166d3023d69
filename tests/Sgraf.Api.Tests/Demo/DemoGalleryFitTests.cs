using Sgraf.Api.Demo;
using Sgraf.Inference.Runtime;
using Sgraf.TestSupport;

namespace Sgraf.Api.Tests.Demo;

/// <summary>
/// The shapes demo is loaded only into a bundle it fits: the shapes bundle. A photo bundle (with a picture encoder)
/// starts empty instead of answering sentences with synthetic scenes, and a bundle of another region size is said so,
/// not a failed start-up.
/// </summary>
public sealed class DemoGalleryFitTests
{
    static readonly string ShapesBundle = Path.Combine(RepositoryPaths.Root, "models", "shapes-bundle");

    [Fact]
    public void The_shapes_bundle_takes_the_demo()
    {
        var bundle = SgrafBundle.Open(ShapesBundle);
        Assert.Null(DemoGallerySeeder.WhyNotFor(bundle, bundle.ImgDim, "/data/shapes"));
    }

    [Fact]
    public void A_bundle_with_a_picture_encoder_starts_without_it_and_says_how_to_add_photos()
    {
        var bundle = SgrafBundle.Open(PictureBundle.Path);
        var reason = DemoGallerySeeder.WhyNotFor(bundle, bundle.ImgDim, "/data/shapes");
        Assert.NotNull(reason);
        Assert.Contains("picture encoder", reason);
        Assert.Contains("POST /images", reason);
    }

    [Fact]
    public void Shapes_features_of_another_size_are_named_with_both_sizes_and_the_folder()
    {
        var bundle = SgrafBundle.Open(ShapesBundle);
        var reason = DemoGallerySeeder.WhyNotFor(bundle, 512, "/data/shapes");
        Assert.NotNull(reason);
        Assert.Contains("512", reason);
        Assert.Contains(bundle.ImgDim.ToString(System.Globalization.CultureInfo.InvariantCulture), reason);
        Assert.Contains("/data/shapes", reason);
    }
}
