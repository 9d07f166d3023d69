using System.Text.Json.Nodes;

namespace Sgraf.Api.Tests.Deployment;

/// <summary>One search response as comparable data, with the replica that served it.</summary>
/// <param name="Hits">Per query, its hits in rank order: id, score and metadata (as JSON text).</param>
internal sealed record SearchAnswer(string Instance, IReadOnlyList<IReadOnlyList<(string Id, double Score, string Metadata)>> Hits)
{
    // Replicas run the same code on the same gallery; a score may still differ in its last bit between batch sizes.
    private const double ScoreTolerance = 2e-6;

    public static async Task<SearchAnswer> ReadAsync(HttpResponseMessage response)
    {
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {body}");
        string instance = response.Headers.TryGetValues("X-Sgraf-Instance", out var values) ? values.Single() : "(no X-Sgraf-Instance)";
        var results = JsonNode.Parse(body)!["results"]!.AsArray();
        return new SearchAnswer(instance, [.. results.Select(result => (IReadOnlyList<(string, double, string)>)[.. result!["hits"]!.AsArray()
            .Select(hit => (hit!["id"]!.GetValue<string>(), hit["score"]!.GetValue<double>(), hit["metadata"]?.ToJsonString() ?? ""))])]);
    }

    public IEnumerable<string> Ids => Hits.SelectMany(query => query.Select(hit => hit.Id));

    public void AssertSameAs(SearchAnswer other)
    {
        Assert.Equal(Hits.Count, other.Hits.Count);
        for (int q = 0; q < Hits.Count; q++)
        {
            string where = $"query {q}: {Instance} vs {other.Instance}";
            Assert.True(Hits[q].Select(h => h.Id).SequenceEqual(other.Hits[q].Select(h => h.Id)),
                $"{where}: [{string.Join(", ", Hits[q].Select(h => h.Id))}] vs [{string.Join(", ", other.Hits[q].Select(h => h.Id))}]");
            for (int r = 0; r < Hits[q].Count; r++)
            {
                Assert.True(Math.Abs(Hits[q][r].Score - other.Hits[q][r].Score) <= ScoreTolerance, $"{where}, rank {r}: scores differ");
                Assert.Equal(Hits[q][r].Metadata, other.Hits[q][r].Metadata);
            }
        }
    }
}
