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
}
