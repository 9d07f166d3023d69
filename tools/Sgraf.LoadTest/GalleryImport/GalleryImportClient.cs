using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Polly;
using Polly.Retry;
using Sgraf.Inference;
using Sgraf.LoadTest.Load;

namespace Sgraf.LoadTest.GalleryImport;

/// <summary>What one add did.</summary>
internal sealed record AddCounts(int Added, int Replaced);

/// <summary>
/// The service's write endpoints as <c>sgraf gallery import</c> uses them: POST /images/import and POST /captions, with
/// the API key. A refused request throws <see cref="InvalidInputException"/> with the status and what the service said.
/// </summary>
internal sealed class GalleryImportClient : IDisposable
{
    readonly HttpClient http;

    public GalleryImportClient(Uri address, string apiKey)
    {
        // Relative paths resolve below the whole address only if it ends in '/'.
        var baseAddress = address.AbsoluteUri.EndsWith('/') ? address : new Uri(address.AbsoluteUri + "/");
        http = new HttpClient(new SocketsHttpHandler { UseProxy = false })
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromMinutes(30),   // a request of thousands of full-size images is encoded while it streams
        };
        http.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
    }

    public Uri Address => http.BaseAddress!;

    /// <summary>
    /// GET /health/ready with the key: whether the service is ready, and the img_dim its bundle reads (null from a service
    /// that does not say it, or when the key is not accepted: the import's own requests then say why).
    /// </summary>
    public async Task<(bool Ready, int? ImgDim)> ReadinessAsync(CancellationToken cancel)
    {
        using var response = await http.GetAsync("health/ready", cancel);
        if (!response.IsSuccessStatusCode) return (false, null);
        try
        {
            var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancel));
            return (true, body?["imgDim"] is JsonValue dim && dim.TryGetValue(out int imgDim) && imgDim > 0 ? imgDim : null);
        }
        catch (JsonException)
        {
            return (true, null);
        }
    }

    /// <summary>POST /images/import. On a refusal the message says how many of these frames the service kept ("imported").</summary>
    public Task<AddCounts> ImportImagesAsync(ImageFramesContent frames, CancellationToken cancel) =>
        PostAsync("images/import", frames, cancel);

    /// <summary>POST /captions with <c>{"captions":[{"id","text","metadata"}]}</c>.</summary>
    public Task<AddCounts> AddCaptionsAsync(IEnumerable<(string Id, string Text, JsonObject Metadata)> captions, CancellationToken cancel)
    {
        var body = new JsonObject
        {
            ["captions"] = new JsonArray([.. captions.Select(c => new JsonObject { ["id"] = c.Id, ["text"] = c.Text, ["metadata"] = c.Metadata })]),
        };
        return PostAsync("captions", BenchServiceClient.JsonBody(JsonSerializer.SerializeToUtf8Bytes(body)), cancel);
    }

    /// <summary>Tries of a request the service answers 503 (not ready, a shard recovering, its queue full).</summary>
    public const int Tries = 5;

    /// <summary>
    /// Sends a request again after Retry-After (2 s when it gives none) while the service answers 503, up to
    /// <see cref="Tries"/> times: adds replace by id, so a resent batch (even one that a sharded service stored in part)
    /// leaves the gallery as sending it once. Each retry is reported on stderr.
    /// </summary>
    readonly ResiliencePipeline<HttpResponseMessage> resendWhileUnavailable = new ResiliencePipelineBuilder<HttpResponseMessage>()
        .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
        {
            MaxRetryAttempts = Tries - 1,
            ShouldHandle = args => ValueTask.FromResult(args.Outcome.Result?.StatusCode == HttpStatusCode.ServiceUnavailable),
            DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(args.Outcome.Result?.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(2)),
            OnRetry = async args =>
            {
                var response = args.Outcome.Result!;
                var answer = await response.Content.ReadAsByteArrayAsync(args.Context.CancellationToken);
                Console.Error.WriteLine($"warning: POST {response.RequestMessage?.RequestUri}: 503 {BenchServiceClient.Describe(answer)}; "
                    + $"sending it again in {args.RetryDelay.TotalSeconds:0} s (try {args.AttemptNumber + 2} of {Tries})");
            },
        })
        .Build();

    async Task<AddCounts> PostAsync(string path, HttpContent body, CancellationToken cancel)
    {
        using var response = await resendWhileUnavailable.ExecuteAsync(async token => await http.PostAsync(path, body, token), cancel);
        return Counts(response, await response.Content.ReadAsByteArrayAsync(cancel), path);
    }

    AddCounts Counts(HttpResponseMessage response, byte[] answer, string path)
    {
        if (!response.IsSuccessStatusCode)
        {
            var kept = Imported(answer) is { } imported ? $" (the service kept the first {imported} image(s) of this request)" : "";
            throw new InvalidInputException($"POST {Address}{path}: {(int)response.StatusCode} {response.StatusCode}: {BenchServiceClient.Describe(answer)}{kept}");
        }
        var counts = JsonNode.Parse(answer);
        return new AddCounts(BenchServiceClient.Field(counts, "added").GetValue<int>(), BenchServiceClient.Field(counts, "replaced").GetValue<int>());
    }

    /// <summary>The "imported" of an import's problem: images of the request added before it failed.</summary>
    static int? Imported(byte[] answer)
    {
        try
        {
            return JsonNode.Parse(answer) is JsonObject problem && problem["imported"] is JsonValue value && value.TryGetValue(out int imported) ? imported : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public void Dispose() => http.Dispose();
}
