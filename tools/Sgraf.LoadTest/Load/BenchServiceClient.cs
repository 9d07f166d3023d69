using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Sgraf.Inference;

namespace Sgraf.LoadTest.Load;

/// <summary>
/// The Sgraf service's HTTP API as <c>sgraf bench-api</c> uses it, over one connection pool, to the given address only.
/// A failing call of the fill phase throws <see cref="InvalidInputException"/> with the status and the service's answer.
/// </summary>
internal sealed class BenchServiceClient : IDisposable
{
    /// <summary>JSON of the service: camelCase.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    readonly HttpClient http;
    readonly string? apiKey;

    public BenchServiceClient(Uri address, string? apiKey, int maxConnections)
    {
        this.apiKey = apiKey;
        // Relative paths resolve below the whole address only if it ends in '/'.
        var baseAddress = address.AbsoluteUri.EndsWith('/') ? address : new Uri(address.AbsoluteUri + "/");
        http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = maxConnections,
            UseProxy = false,   // a proxy from the environment would be measured with the service
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        })
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromMinutes(10),   // a 200-image add can take a while on a busy 2-core machine
        };
    }

    public Uri Address => http.BaseAddress!;

    public async Task<bool> IsReadyAsync(CancellationToken cancel)
    {
        using var response = await http.GetAsync("health/ready", cancel);
        return response.IsSuccessStatusCode;
    }

    /// <summary>The ids of every image in the gallery, a page at a time.</summary>
    public async Task<List<string>> ListImageIdsAsync(CancellationToken cancel)
    {
        const int pageSize = 1000;
        var ids = new List<string>();
        while (true)
        {
            var page = await ReadJsonAsync(HttpMethod.Get, $"images?offset={ids.Count}&limit={pageSize}", null, cancel);
            int total = Field(page, "total").GetValue<int>();
            var items = Field(page, "items").AsArray();
            ids.AddRange(items.Select(item => Field(item, "id").GetValue<string>()));
            if (ids.Count >= total || items.Count == 0) return ids;
        }
    }

    public async Task<int> CountImagesAsync(CancellationToken cancel) =>
        Field(await ReadJsonAsync(HttpMethod.Get, "images?offset=0&limit=1", null, cancel), "total").GetValue<int>();

    /// <summary>GET /{collection}?offset=…&amp;limit=… ("images" or "captions"): the page's items and the collection's total.</summary>
    public async Task<(int Total, JsonArray Items)> PageAsync(string collection, int offset, int limit, CancellationToken cancel)
    {
        var page = await ReadJsonAsync(HttpMethod.Get, $"{collection}?offset={offset}&limit={limit}", null, cancel);
        return (Field(page, "total").GetValue<int>(), Field(page, "items").AsArray());
    }

    public async Task DeleteImageAsync(string id, CancellationToken cancel)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, "images/" + Uri.EscapeDataString(id));
        using var response = await SendWithKeyAsync(request, cancel);
        await EnsureSuccessAsync(response, cancel);
    }

    /// <summary>POST /images with a body of <c>{"images": [...]}</c>; returns the service's answer.</summary>
    public Task<JsonNode> AddImagesAsync(HttpContent body, CancellationToken cancel) =>
        ReadJsonAsync(HttpMethod.Post, "images", body, cancel);

    /// <summary>One text-to-image search; the body is read to its end, so a caller timing this times the whole answer.</summary>
    public async Task<SearchReply> SearchAsync(TextToImageRequest search, CancellationToken cancel)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "search/text-to-image")
        {
            Content = JsonBody(JsonSerializer.SerializeToUtf8Bytes(search, Json)),
        };
        using var response = await SendWithKeyAsync(request, cancel);
        var body = await response.Content.ReadAsByteArrayAsync(cancel);
        return new SearchReply(response.StatusCode, response.Headers.RetryAfter, body);
    }

    /// <summary>One search of any kind (<paramref name="path"/>: search/text-to-image or search/image-to-text), its body as given.</summary>
    public async Task<SearchReply> SearchAsync(string path, byte[] utf8Body, CancellationToken cancel)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonBody(utf8Body) };
        using var response = await SendWithKeyAsync(request, cancel);
        var body = await response.Content.ReadAsByteArrayAsync(cancel);
        return new SearchReply(response.StatusCode, response.Headers.RetryAfter, body);
    }

    /// <summary>A field the service's contract promises; a clear error naming it where the answer lacks it.</summary>
    public static JsonNode Field(JsonNode? node, string name) =>
        node is JsonObject json && json[name] is { } value
            ? value
            : throw new InvalidInputException($"the service's answer has no '{name}': {Shorten(node?.ToJsonString() ?? "null")}");

    public static string Shorten(string text) => text.Length > 300 ? text[..300] + "…" : text;

    /// <summary>
    /// What a failed answer says, for a person: the problem's errors as "path: message; …" (a 400 names what was wrong,
    /// e.g. that the bundle has no shortlist head), else its detail or title, else the body itself, shortened.
    /// </summary>
    public static string Describe(byte[] body)
    {
        var text = Encoding.UTF8.GetString(body);
        try
        {
            if (JsonNode.Parse(text) is JsonObject problem)
            {
                if (problem["errors"] is JsonObject errors && errors.Count > 0)
                    return Shorten(string.Join("; ", errors.Select(error => $"{error.Key}: {Messages(error.Value)}")));
                foreach (var name in new[] { "detail", "title" })
                    if (problem[name] is JsonValue value && value.TryGetValue(out string? message) && message.Length > 0) return Shorten(message);
            }
        }
        catch (JsonException)
        {
            // Not JSON: the text as it came.
        }
        return Shorten(text);
    }

    static string Messages(JsonNode? messages) => messages switch
    {
        JsonArray list => string.Join(" / ", list.Select(m => m?.ToString())),
        null => "",
        _ => messages.ToString(),
    };

    /// <summary>A JSON body of known length, sent with Content-Length rather than chunked.</summary>
    public static ByteArrayContent JsonBody(byte[] utf8, int length = -1)
    {
        var content = new ByteArrayContent(utf8, 0, length < 0 ? utf8.Length : length);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    async Task<JsonNode> ReadJsonAsync(HttpMethod method, string path, HttpContent? body, CancellationToken cancel)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body };
        using var response = await SendWithKeyAsync(request, cancel);
        await EnsureSuccessAsync(response, cancel);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync(cancel))
            ?? throw new InvalidInputException($"{method} {Address}{path}: the service answered null");
    }

    Task<HttpResponseMessage> SendWithKeyAsync(HttpRequestMessage request, CancellationToken cancel)
    {
        if (apiKey is not null) request.Headers.Add("X-Api-Key", apiKey);
        return http.SendAsync(request, cancel);
    }

    static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancel)
    {
        if (response.IsSuccessStatusCode) return;
        var answer = Shorten(await response.Content.ReadAsStringAsync(cancel));
        var request = response.RequestMessage!;
        throw new InvalidInputException(
            $"{request.Method} {request.RequestUri}: {(int)response.StatusCode} {response.StatusCode} {answer}".TrimEnd());
    }

    public void Dispose() => http.Dispose();
}

/// <summary>A search's status, Retry-After (with 503) and body.</summary>
internal sealed record SearchReply(HttpStatusCode Status, RetryConditionHeaderValue? RetryAfter, byte[] Body);
