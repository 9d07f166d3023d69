using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Sgraf.Inference.Data;
using Sgraf.TestSupport;

namespace Sgraf.LoadTest.Tests.Cli;

/// <summary><c>sgraf gallery import</c> against the real service: a precomp split's images and captions land with their ids and metadata.</summary>
public sealed class GalleryImportCommandTests
{
    const int ImgDim = 2048;   // the demo bundle's
    const int Images = 3;

    /// <summary>A tiny split "tiny": <see cref="Images"/> images of non-negative random features and five captions each.</summary>
    static float[] WriteSplit(string dir)
    {
        var rng = new Random(5);
        var features = Enumerable.Range(0, Images * 36 * ImgDim).Select(_ => rng.NextSingle() < 0.5f ? 0f : rng.NextSingle() * 3).ToArray();
        NpyWriter.Write(Path.Combine(dir, "tiny_ims.npy"), new NpyArray<float>([Images, 36, ImgDim], features));
        string[] words = ["circle", "square", "triangle", "star", "diamond"];
        File.WriteAllLines(Path.Combine(dir, "tiny_caps.txt"),
            Enumerable.Range(0, Images * 5).Select(c => $"a red {words[c % 5]} left of a blue {words[(c / 5) % 5]}"));
        return features;
    }

    [Fact]
    public async Task A_split_is_imported_with_ids_metadata_and_captions_and_its_features_arrive_unchanged()
    {
        using var dir = new TempDirectory();
        var features = WriteSplit(dir.Path);
        using var service = await RunningService.StartAsync();

        var result = ToolProcess.Run("sgraf-load", "gallery", "import", "--data", dir.Path, "--split", "tiny", "--url", service.Url, "--api-key", RunningService.ApiKey,
            "--captions", "--batch", "2", "--caption-batch", "4", "--id-prefix", "t-");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("imported 3 images", result.StandardOutput);
        Assert.Contains("images/s", result.StandardOutput);
        Assert.Contains("added 15 captions", result.StandardOutput);
        using var client = service.Client();
        var images = JsonNode.Parse(await client.GetStringAsync("/images"))!["items"]!.AsArray();
        Assert.Equal(["t-0", "t-1", "t-2"], images.Select(i => i!["id"]!.GetValue<string>()));
        Assert.Equal("""{"split":"tiny","index":1}""", images[1]!["metadata"]!.ToJsonString());
        var caption = JsonNode.Parse(await client.GetStringAsync("/captions/t-2-4"))!;
        Assert.Equal(File.ReadAllLines(dir.File("tiny_caps.txt"))[14], caption["text"]!.GetValue<string>());
        Assert.Equal("t-2", caption["metadata"]!["image"]!.GetValue<string>());
        Assert.Equal(15, JsonNode.Parse(await client.GetStringAsync("/captions"))!["total"]!.GetValue<int>());

        // The stored image ranks the captions as its raw features, sent as a query, do.
        var raw = Convert.ToBase64String(System.Runtime.InteropServices.MemoryMarshal.AsBytes(features.AsSpan(36 * ImgDim, 36 * ImgDim)));
        var byId = await Hits(client, new { id = "t-1" });
        var byFeatures = await Hits(client, new { regionsBase64 = raw });
        Assert.Equal(byFeatures.Select(h => h!["id"]!.GetValue<string>()), byId.Select(h => h!["id"]!.GetValue<string>()));
        Assert.All(byFeatures.Zip(byId), p => Assert.Equal(p.First!["score"]!.GetValue<double>(), p.Second!["score"]!.GetValue<double>(), 2e-6));
    }

    [Fact]
    public async Task A_limit_imports_only_the_first_images_of_the_split_and_their_captions()
    {
        using var dir = new TempDirectory();
        WriteSplit(dir.Path);
        using var service = await RunningService.StartAsync();

        var result = ToolProcess.Run("sgraf-load", "gallery", "import", "--data", dir.Path, "--split", "tiny", "--url", service.Url, "--api-key", RunningService.ApiKey,
            "--captions", "--limit", "2");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("imported 2 images", result.StandardOutput);
        Assert.Contains("added 10 captions", result.StandardOutput);
        using var client = service.Client();
        Assert.Equal(["0", "1"], JsonNode.Parse(await client.GetStringAsync("/images"))!["items"]!.AsArray().Select(i => i!["id"]!.GetValue<string>()));
        var captions = JsonNode.Parse(await client.GetStringAsync("/captions"))!["items"]!.AsArray();
        Assert.Equal(10, captions.Count);
        Assert.All(captions, c => Assert.Contains(c!["metadata"]!["image"]!.GetValue<string>(), (string[])["0", "1"]));
    }

    static async Task<JsonArray> Hits(HttpClient client, object query)
    {
        using var response = await client.PostAsJsonAsync("/search/image-to-text", new { queries = new[] { query }, k = 15, mode = "exact" });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonNode.Parse(body)!["results"]![0]!["hits"]!.AsArray();
    }

    /// <summary>A 64-dim split into the 2048-dim demo service used to fail with "frames[0]: the body ends 185120 bytes into the frame".</summary>
    [Fact]
    public async Task A_split_of_another_img_dim_is_refused_before_any_import_saying_both_dims()
    {
        using var dir = new TempDirectory();
        NpyWriter.Write(dir.File("tiny_ims.npy"), new NpyArray<float>([Images, 36, 64], new float[Images * 36 * 64]));
        using var service = await RunningService.StartAsync();

        var result = ToolProcess.Run("sgraf-load", "gallery", "import", "--data", dir.Path, "--split", "tiny", "--url", service.Url, "--api-key", RunningService.ApiKey);

        ToolProcess.AssertCleanFailure(result, "tiny_ims.npy", "img_dim 64", "the service's bundle reads img_dim 2048");
        using var client = service.Client();
        Assert.Contains("\"total\":0", await client.GetStringAsync("/images"));
    }

    [Fact]
    public void Another_machine_needs_allow_remote_and_bad_arguments_or_files_fail_before_any_request()
    {
        using var dir = new TempDirectory();
        string[] Import(string url, params string[] more) =>
            ["gallery", "import", "--data", dir.Path, "--split", "tiny", "--url", url, "--api-key", "some-key-0123", .. more];
        ToolProcess.AssertCleanFailure(ToolProcess.Run("sgraf-load", Import("http://192.0.2.1:5000")), "--allow-remote");
        // Port 1 of this machine answers nothing: these fail before they would find out.
        ToolProcess.AssertCleanFailure(ToolProcess.Run("sgraf-load", Import("http://127.0.0.1:1", "--batch", "0")), "--batch must be 1–100000");
        ToolProcess.AssertCleanFailure(ToolProcess.Run("sgraf-load", Import("http://127.0.0.1:1", "--limit", "0")), "--limit must be at least 1");
        ToolProcess.AssertCleanFailure(ToolProcess.Run("sgraf-load", Import("http://127.0.0.1:1")), "tiny_ims.npy", "file not found");
        WriteSplit(dir.Path);
        File.WriteAllLines(dir.File("tiny_caps.txt"), ["only one caption"]);
        ToolProcess.AssertCleanFailure(ToolProcess.Run("sgraf-load", Import("http://127.0.0.1:1", "--captions")), "tiny_caps.txt", "has 1 captions for 3 images");
        var features = new float[Images * 36 * ImgDim];
        features[2 * 36 * ImgDim + 7] = float.NaN;
        NpyWriter.Write(dir.File("tiny_ims.npy"), new NpyArray<float>([Images, 36, ImgDim], features));
        ToolProcess.AssertCleanFailure(ToolProcess.Run("sgraf-load", Import("http://127.0.0.1:1")), "tiny_ims.npy: row 2 holds NaN at [2][0][7]; features must be finite");
    }
}
