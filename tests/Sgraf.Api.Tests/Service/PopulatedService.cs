using System.Net.Http.Json;
using Sgraf.Inference.Evaluation;
using Sgraf.Inference.Model;
using Sgraf.Inference.Runtime;

namespace Sgraf.Api.Tests.Service;

/// <summary>
/// One running service with 40 images and 24 captions, and the same items scored directly by a separate
/// <see cref="SgrafRuntime"/>, which is what every search answer is checked against.
/// </summary>
public class PopulatedService : IAsyncLifetime
{
    public const int ImageCount = 40;
    public const int CaptionCount = 24;

    public PopulatedService() : this(new Dictionary<string, string?>()) { }

    protected PopulatedService(IDictionary<string, string?> settings) => Factory = new SgrafServiceFactory(settings);

    public SgrafServiceFactory Factory { get; }
    public HttpClient Client { get; private set; } = null!;
    public SgrafRuntime Runtime { get; } = SgrafRuntime.Open(SgrafServiceFactory.BundlePath, new SgrafRuntimeOptions { IntraOpThreads = 1 });

    public static string ImageId(int i) => $"img-{i:D2}";

    public static string CaptionId(int j) => $"cap-{j:D2}";

    public static string CaptionText(int j) => TestGallery.Captions[j % TestGallery.Captions.Length] + (j >= TestGallery.Captions.Length ? $" {new[] { "", "and a red circle", "below a star" }[j / TestGallery.Captions.Length]}" : "");

    public ImageEmbeddings Images { get; private set; } = null!;
    public CaptionEmbeddings GalleryCaptions { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Client = await Factory.CreateReadyClientAsync();
        // Two adds, one per feature format, as users would send them.
        var first = Enumerable.Range(0, ImageCount / 2).Select(i => new { id = ImageId(i), regions = TestGallery.Nested(TestGallery.Features(i)), metadata = new { seed = i } });
        (await Client.PostAsJsonAsync("/images", new { images = first })).EnsureSuccessStatusCode();
        (await Client.PostAsJsonAsync("/images", TestGallery.ImageBody([.. Enumerable.Range(ImageCount / 2, ImageCount / 2).Select(i => (ImageId(i), i))]))).EnsureSuccessStatusCode();
        (await Client.PostAsJsonAsync("/captions", TestGallery.CaptionBody([.. Enumerable.Range(0, CaptionCount).Select(j => (CaptionId(j), CaptionText(j)))]))).EnsureSuccessStatusCode();

        var features = Enumerable.Range(0, ImageCount).SelectMany(TestGallery.Features).ToArray();
        Images = Runtime.EncodeImages(features, ImageCount);
        GalleryCaptions = Runtime.EncodeCaptions([.. Enumerable.Range(0, CaptionCount).Select(CaptionText)]);
    }

    public ScoreMatrix Score(ImageEmbeddings images, CaptionEmbeddings captions, string model) => model switch
    {
        "sgr" => Runtime.Score(images, captions, SimilarityModule.SGR),
        "saf" => Runtime.Score(images, captions, SimilarityModule.SAF),
        _ => Runtime.Score(images, captions),
    };

    /// <summary>The expected top k: score descending, ties by id.</summary>
    public static (string Id, double Score)[] Top(IEnumerable<(string Id, double Score)> scored, int k) =>
        [.. scored.OrderByDescending(s => s.Score).ThenBy(s => s.Id, StringComparer.Ordinal).Take(k)];

    public async Task DisposeAsync()
    {
        Client.Dispose();
        Runtime.Dispose();
        await Factory.DisposeAsync();
    }
}
