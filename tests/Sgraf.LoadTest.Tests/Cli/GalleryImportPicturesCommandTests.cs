using System.Net;
using System.Text.Json.Nodes;
using Sgraf.TestSupport;

namespace Sgraf.LoadTest.Tests.Cli;

/// <summary>
/// <c>sgraf-load gallery import --pictures DIR --captions FILE</c> against the real service on the picture test bundle:
/// scikit-image's photos land under their file names with their stored copies and their captions; a file that is not a
/// photo stops the import naming it, after the batches before it, which stay.
/// </summary>
public sealed class GalleryImportPicturesCommandTests
{
    static readonly Dictionary<string, string> Settings = new() { ["Sgraf:BundleDirectory"] = PictureBundle.Path };

    static void CopyPhotos(string dir, params string[] photos)
    {
        foreach (var photo in photos) File.Copy(photo, Path.Combine(dir, Path.GetFileName(photo)));
    }

    [Fact]
    public async Task A_folder_of_photos_is_imported_under_their_file_names_with_their_pictures_and_captions()
    {
        using var dir = new TempDirectory();
        CopyPhotos(dir.Path, SamplePhotos.Chelsea, SamplePhotos.Coffee, SamplePhotos.Rocket);
        File.WriteAllText(dir.File("notes.txt"), "not a photo: skipped by its extension");
        using var captionsDir = new TempDirectory();
        File.WriteAllLines(captionsDir.File("token.txt"),
        [
            "chelsea.png#0\ta cat lying on a table", "chelsea.png#1\ta small cat looking at the camera",
            "rocket.jpg#0\ta rocket on the launch pad with smoke", "someone-else.jpg#0\ta dog running on the grass",
        ]);
        using var service = await RunningService.StartAsync(Settings);

        var result = ToolProcess.Run("sgraf-load", "gallery", "import", "--pictures", dir.Path, "--captions", captionsDir.File("token.txt"),
            "--url", service.Url, "--api-key", RunningService.ApiKey, "--batch", "2");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("imported 3 photos", result.StandardOutput);
        Assert.Contains("3 added, 0 replaced", result.StandardOutput);
        Assert.Contains("photos/s", result.StandardOutput);
        Assert.Contains("added 3 captions", result.StandardOutput);
        using var client = service.Client();
        var images = JsonNode.Parse(await client.GetStringAsync("/images"))!["items"]!.AsArray();
        Assert.Equal(["chelsea", "coffee", "rocket"], images.Select(i => i!["id"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        using var picture = await client.GetAsync("/images/rocket/picture");
        Assert.Equal(HttpStatusCode.OK, picture.StatusCode);
        Assert.Equal("image/jpeg", picture.Content.Headers.ContentType!.MediaType);
        var caption = JsonNode.Parse(await client.GetStringAsync("/captions/chelsea-1"))!;
        Assert.Equal("a small cat looking at the camera", caption["text"]!.GetValue<string>());
        Assert.Equal("chelsea", caption["metadata"]!["image"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_file_that_is_not_a_photo_stops_the_import_naming_it_after_the_batches_before_it()
    {
        using var dir = new TempDirectory();
        CopyPhotos(dir.Path, SamplePhotos.Chelsea);
        File.WriteAllText(dir.File("zz-not-a-photo.jpg"), "a dog runs on the beach");
        using var service = await RunningService.StartAsync(Settings);

        var result = ToolProcess.Run("sgraf-load", "gallery", "import", "--pictures", dir.Path, "--url", service.Url, "--api-key", RunningService.ApiKey,
            "--batch", "1");

        ToolProcess.AssertCleanFailure(result, "photos 1–1 (zz-not-a-photo.jpg", "415", "the 1 photos before them were imported");
        using var client = service.Client();
        var images = JsonNode.Parse(await client.GetStringAsync("/images"))!["items"]!.AsArray();
        Assert.Equal(["chelsea"], images.Select(i => i!["id"]!.GetValue<string>()));
    }

    [Fact]
    public void Pictures_and_a_split_together_an_empty_folder_and_captions_without_their_file_fail_before_any_request()
    {
        using var dir = new TempDirectory();
        string[] Import(params string[] more) => ["gallery", "import", "--url", "http://127.0.0.1:1", "--api-key", "some-key-0123", .. more];
        ToolProcess.AssertCleanFailure(ToolProcess.Run("sgraf-load", Import("--pictures", dir.Path, "--data", dir.Path)), "give one of them");
        ToolProcess.AssertCleanFailure(ToolProcess.Run("sgraf-load", Import()), "--pictures DIR");
        ToolProcess.AssertCleanFailure(ToolProcess.Run("sgraf-load", Import("--pictures", dir.Path)), "holds no photos");
        ToolProcess.AssertCleanFailure(ToolProcess.Run("sgraf-load", Import("--pictures", dir.Path, "--captions")), "--captions with --pictures needs the captions FILE");
        CopyPhotos(dir.Path, SamplePhotos.Rocket);
        File.WriteAllText(dir.File("caps.txt"), "rocket.jpg\tno number\n");
        ToolProcess.AssertCleanFailure(ToolProcess.Run("sgraf-load", Import("--pictures", dir.Path, "--captions", dir.File("caps.txt"))), "caps.txt", "line 1");
    }
}
