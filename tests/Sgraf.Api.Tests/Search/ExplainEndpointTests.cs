using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Sgraf.Api.Search;
using Sgraf.Api.Tests.Service;
using Sgraf.Inference.Text;

namespace Sgraf.Api.Tests.Search;

/// <summary>POST /search/explain on the populated demo-bundle service: the pair's search score, and weights that are distributions.</summary>
public sealed class ExplainEndpointTests(PopulatedService service) : IClassFixture<PopulatedService>
{
    // Sums of 36 (or L + 1) float32 weights.
    const double SumTolerance = 1e-6;

    // A pair's score depends on the shape of the scoring call in the last float32 bit (a search scores its pair among
    // the segment's images, explain alone; measured: 1 ulp, ~3e-8), as a batched search's does (README: ≤ 1e-6).
    const double SearchScoreTolerance = 1e-6;

    [Theory]
    [InlineData("sgr")]
    [InlineData("saf")]
    [InlineData("sgraf")]
    public async Task A_sentence_and_a_gallery_image_score_as_the_text_to_image_search_scores_them(string model)
    {
        var text = PopulatedService.CaptionText(3);
        var search = await Post<SearchResponse>("/search/text-to-image", new { queries = new[] { text }, k = PopulatedService.ImageCount, model, mode = "exact" });
        var hit = search.Results[0].Hits.Single(h => h.Id == PopulatedService.ImageId(5));

        var explained = await Post<ExplainResponse>("/search/explain", new { caption = new { text }, image = new { id = hit.Id }, model });

        Assert.Equal(model, explained.Model);
        Assert.Equal(hit.Score, explained.Score, SearchScoreTolerance);
        Assert.Equal(hit.Id, explained.Image.Id);
        Assert.Equal(5, explained.Image.Metadata!["seed"]!.GetValue<int>());
        Assert.Null(explained.Caption.Id);
        Assert.Equal(text, explained.Caption.Text);
    }

    [Theory]
    [InlineData("sgr")]
    [InlineData("saf")]
    [InlineData("sgraf")]
    public async Task A_gallery_caption_and_raw_features_score_as_the_image_to_text_search_scores_them(string model)
    {
        var features = TestGallery.Base64(TestGallery.Features(7));
        var search = await Post<SearchResponse>("/search/image-to-text", new { queries = new[] { new { regionsBase64 = features } }, k = PopulatedService.CaptionCount, model, mode = "exact" });
        var hit = search.Results[0].Hits.Single(h => h.Id == PopulatedService.CaptionId(11));

        var explained = await Post<ExplainResponse>("/search/explain", new { caption = new { id = hit.Id }, image = new { regionsBase64 = features }, model });

        Assert.Equal(hit.Score, explained.Score, SearchScoreTolerance);
        Assert.Equal(new ExplainedImage(null, null), explained.Image);
        Assert.Equal(hit.Id, explained.Caption.Id);
        Assert.Equal(PopulatedService.CaptionText(11), explained.Caption.Text);
    }

    [Fact]
    public async Task Sgraf_explains_both_models_and_every_weight_is_a_distribution()
    {
        var text = "a small red circle is left of a large blue square";
        var explained = await Post<ExplainResponse>("/search/explain", new { caption = new { text }, image = new { id = PopulatedService.ImageId(2) } });

        Assert.Equal("sgraf", explained.Model);
        Assert.Equal(["<start>", .. CaptionTokenizer.Tokenize(text), "<end>"], explained.Caption.Words);
        Assert.Equal(["sgr", "saf"], explained.Explanations.Select(e => e.Model));
        Assert.Equal((explained.Explanations[0].Score + explained.Explanations[1].Score) / 2, explained.Score);
        foreach (var model in explained.Explanations)
        {
            Assert.Equal(explained.Caption.Words, model.Words.Select(w => w.Word));
            Assert.Equal(Enumerable.Range(0, explained.Caption.Words.Count), model.Words.Select(w => w.Index));
            foreach (var word in model.Words)
            {
                Assert.Equal(Enumerable.Range(0, 36), word.Attention.Select(a => a.Region).Order());
                Assert.Equal(word.Attention.Select(a => a.Weight).OrderDescending(), word.Attention.Select(a => a.Weight));
                Assert.Equal(1.0, word.Attention.Sum(a => a.Weight), SumTolerance);
            }
        }
        var sgr = explained.Explanations[0];
        Assert.Null(sgr.GlobalFiltration);
        Assert.All(sgr.Words, w => Assert.Null(w.Filtration));
        Assert.Equal(1.0, sgr.GlobalEdge!.Value + sgr.Words.Sum(w => w.Edge!.Value), SumTolerance);
        var saf = explained.Explanations[1];
        Assert.Null(saf.GlobalEdge);
        Assert.All(saf.Words, w => Assert.Null(w.Edge));
        Assert.Equal(1.0, saf.GlobalFiltration!.Value + saf.Words.Sum(w => w.Filtration!.Value), SumTolerance);
    }

    [Fact]
    public async Task The_json_uses_the_contracts_names_and_writes_null_for_weights_a_model_does_not_have()
    {
        using var response = await service.Client.PostAsJsonAsync("/search/explain",
            new { caption = new { id = PopulatedService.CaptionId(0) }, image = new { id = PopulatedService.ImageId(0) }, model = "sgr" });
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var explanation = json["explanations"]!.AsArray().Single()!;
        Assert.Equal("sgr", explanation["model"]!.GetValue<string>());
        Assert.True(explanation.AsObject().ContainsKey("globalFiltration") && explanation["globalFiltration"] is null);
        var word = explanation["words"]![1]!;
        Assert.Equal(1, word["index"]!.GetValue<int>());
        Assert.Equal(json["caption"]!["words"]![1]!.GetValue<string>(), word["word"]!.GetValue<string>());
        Assert.True(word.AsObject().ContainsKey("filtration") && word["filtration"] is null);
        Assert.InRange(word["edge"]!.GetValue<double>(), 0, 1);
        Assert.InRange(word["attention"]![0]!["region"]!.GetValue<int>(), 0, 35);
        Assert.InRange(word["attention"]![0]!["weight"]!.GetValue<double>(), 1.0 / 36, 1);
    }

    [Fact]
    public async Task The_caption_says_which_of_its_words_the_model_does_not_know()
    {
        var known = await Post<ExplainResponse>("/search/explain", new { caption = new { text = "a red circle" }, image = new { id = PopulatedService.ImageId(0) } });
        Assert.Empty(known.Caption.UnknownWords);
        var unknown = await Post<ExplainResponse>("/search/explain", new { caption = new { text = "a red dog on a beach" }, image = new { id = PopulatedService.ImageId(0) } });
        Assert.Equal(["dog", "on", "beach"], unknown.Caption.UnknownWords);
        Assert.Contains("dog", unknown.Caption.Words);
    }

    [Fact]
    public async Task Unknown_ids_are_404_naming_each_id_by_its_path()
    {
        using var response = await service.Client.PostAsJsonAsync("/search/explain",
            new { caption = new { id = "no-such-caption" }, image = new { id = "no-such-image" } });
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("'no-such-image'", problem["errors"]!["image.id"]![0]!.GetValue<string>());
        Assert.Contains("'no-such-caption'", problem["errors"]!["caption.id"]![0]!.GetValue<string>());
        Assert.Contains("no-such-image", problem["detail"]!.GetValue<string>());
    }

    public static TheoryData<string, string, string> BadRequests() => new()
    {
        { """{"caption":{"text":"a red star"},"image":{"regions":[[1,2,3]]}}""", "image.regions", "has 1 regions" },
        { """{"caption":{"text":"a red star"},"image":{"regionsBase64":"AAAA"}}""", "image.regionsBase64", "decodes to 3 bytes" },
        { """{"caption":{"text":"a red star"},"image":{"id":"img-01","regionsBase64":"AAAA"}}""", "image", "both an id and region features" },
        { """{"caption":{"text":"a red star"}}""", "image", "is missing" },
        { """{"caption":{"id":"cap-01","text":"a red star"},"image":{"id":"img-01"}}""", "caption", "exactly one of 'id'" },
        { """{"image":{"id":"img-01"}}""", "caption", "is missing" },
        { """{"caption":{"text":"a red star"},"image":{"id":"img-01"},"model":"clip"}""", "model", "'clip'" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Bad_input_is_400_naming_the_member(string body, string path, string message)
    {
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        using var response = await service.Client.PostAsync("/search/explain", content);
        var text = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = JsonNode.Parse(text)!["errors"]!.AsObject();
        Assert.True(errors.ContainsKey(path), text);
        Assert.Contains(message, string.Join(" ", errors[path]!.AsArray().Select(e => e!.GetValue<string>())));
    }

    async Task<T> Post<T>(string path, object body)
    {
        using var response = await service.Client.PostAsJsonAsync(path, body);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<T>())!;
    }
}
