using Sgraf.Api.Configuration;
using Sgraf.TestSupport;

namespace Sgraf.Api.Tests.Configuration;

/// <summary>
/// A relative path in the settings is taken from the repository root in a checkout: <c>dotnet run --project
/// src/Sgraf.Api</c> runs the service in src/Sgraf.Api, where the README's models/flickr8k-bundle does not exist.
/// </summary>
public sealed class ServicePathsTests
{
    [Fact]
    public void Relative_paths_are_read_from_the_repository_root_and_absolute_ones_are_kept()
    {
        var options = new SgrafServiceOptions { BundleDirectory = "models/flickr8k-bundle", DataDirectory = "/srv/sgraf" };
        options.DemoGallery.ShapesDirectory = Path.Combine("data", "my-shapes");
        new SgrafServiceOptionsSetup().PostConfigure(null, options);
        Assert.Equal(Path.Combine(RepositoryPaths.Root, "models", "flickr8k-bundle"), options.BundleDirectory);
        Assert.Equal("/srv/sgraf", options.DataDirectory);
        Assert.Equal(Path.Combine(RepositoryPaths.Root, "data", "my-shapes"), options.DemoGallery.ShapesDirectory);
        Assert.Empty(new SgrafServiceOptionsValidator().Validate(null, options).Failures ?? []);
    }

    [Theory]
    [InlineData("", "service")]
    [InlineData("models/shapes-bundle", "service")]
    [InlineData("models/shapes-bundle/", "service")]
    [InlineData("models/flickr8k-bundle", "service-flickr8k-bundle")]
    [InlineData("/srv/bundles/my-photos/", "service-my-photos")]
    public void Each_bundle_gets_a_data_folder_of_its_own_unless_one_is_set(string bundle, string expectedFolder)
    {
        // A gallery is stored as one bundle encoded it, and a service started with another bundle on the same folder
        // stops at start: with its own default folder, switching bundles needs no other setting and keeps both galleries.
        var options = new SgrafServiceOptions { BundleDirectory = bundle };
        new SgrafServiceOptionsSetup().PostConfigure(null, options);
        Assert.Equal(Path.Combine(RepositoryPaths.Root, "data", expectedFolder), options.DataDirectory);
    }
}
