using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Sgraf.Api.Tests.Service;
using Sgraf.Inference.Pictures;
using Sgraf.Inference.Runtime;
using Sgraf.TestSupport;

namespace Sgraf.Api.Tests.Images;

/// <summary>
/// The service in-process with the picture test bundle (<see cref="PictureBundle"/>: img_dim 512, the ResNet-18 grid
/// encoder rebuilt from its package), a fresh data folder; and, apart from it, the same bundle's runtime and picture
/// encoder, to compute what the service should answer. Photos: scikit-image's (<see cref="SamplePhotos"/>).
/// </summary>
public class PictureService : IAsyncLifetime
{
    public static readonly IReadOnlyDictionary<string, string> Photos = new Dictionary<string, string>
    {
        ["chelsea"] = SamplePhotos.Chelsea,
        ["coffee"] = SamplePhotos.Coffee,
        ["astronaut"] = SamplePhotos.Astronaut,
        ["rocket"] = SamplePhotos.Rocket,
        ["hubble"] = SamplePhotos.HubbleDeepField,
    };

    public static readonly string[] Captions =
    [
        "a cat lying on a table", "a cup of coffee on a saucer", "an astronaut with a flag", "a rocket on the launch pad with smoke",
        "many galaxies in the dark sky", "a dog running on the grass", "two people walking on the beach",
    ];

    public PictureService() : this(new Dictionary<string, string?>()) { }

    protected PictureService(IDictionary<string, string?> settings, string? dataDirectory = null)
    {
        var all = new Dictionary<string, string?>(settings) { ["Sgraf:BundleDirectory"] = PictureBundle.Path };
        Factory = new SgrafServiceFactory(all, dataDirectory);
    }

    public SgrafServiceFactory Factory { get; }

    public HttpClient Client { get; private set; } = null!;

    public SgrafRuntime Runtime { get; } = SgrafRuntime.Open(PictureBundle.Path, new SgrafRuntimeOptions { IntraOpThreads = 1 });

    public PictureEncoder Encoder => encoder.Value;

    readonly Lazy<PictureEncoder> encoder = new(() => PictureEncoder.Open(SgrafBundle.Open(PictureBundle.Path), new PictureEncoderOptions { IntraOpThreads = 1 }));

    public virtual async Task InitializeAsync() => Client = await Factory.CreateReadyClientAsync();

    public virtual async Task DisposeAsync()
    {
        Client.Dispose();
        await Factory.DisposeAsync();
        if (encoder.IsValueCreated) encoder.Value.Dispose();
        Runtime.Dispose();
    }

    /// <summary>The region features the picture encoder gives <paramref name="file"/>, by the one decoding path.</summary>
    public float[] Features(byte[] file)
    {
        var pixels = new byte[Encoder.InputBytes];
        PictureInput.Write(file, PictureLimits.Default, Encoder.InputSize, pixels);
        return Encoder.Encode(pixels, 1);
    }

    /// <summary>The runtime's sgraf scores of each picture against each text: [picture, text].</summary>
    public double[,] Scores(IReadOnlyList<byte[]> pictures, IReadOnlyList<string> texts)
    {
        var features = pictures.SelectMany(Features).ToArray();
        var scores = Runtime.Score(Runtime.EncodeImages(features, pictures.Count), Runtime.EncodeCaptions(texts), parallelism: 1);
        var result = new double[pictures.Count, texts.Count];
        for (int i = 0; i < pictures.Count; i++)
            for (int t = 0; t < texts.Count; t++) result[i, t] = scores[i, t];
        return result;
    }

    /// <summary>Adds photos by JSON, each with metadata {"title": id}.</summary>
    public async Task AddAsync(params string[] ids)
    {
        var body = new JsonObject
        {
            ["images"] = new JsonArray([.. ids.Select(id => new JsonObject
            {
                ["id"] = id, ["picture"] = Convert.ToBase64String(File.ReadAllBytes(Photos[id])), ["metadata"] = new JsonObject { ["title"] = id },
            })]),
        };
        using var response = await Client.PostAsJsonAsync("/images", body);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    public async Task AddCaptionsAsync()
    {
        using var response = await Client.PostAsJsonAsync("/captions", new { captions = Captions.Select((text, i) => new { id = $"caption-{i}", text }) });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }
}
