using System.Text.Json.Nodes;

namespace Sgraf.Api.Search;

/// <summary>One image–caption pair to explain.</summary>
/// <param name="Caption">A gallery caption id or a sentence (exactly one).</param>
/// <param name="Image">A gallery image id, region features or a picture (exactly one), as an image-to-text query.</param>
/// <param name="Model">sgr, saf or sgraf (both models' explanations); sgraf when the bundle has both models. <example>sgraf</example></param>
public sealed record ExplainRequest(CaptionQuery? Caption, ImageQuery? Image, string? Model);

/// <summary>A caption to explain: exactly one of a gallery id or a sentence.</summary>
/// <param name="Id">A gallery caption id.</param>
/// <param name="Text">A sentence. <example>a small red circle is left of a large blue square</example></param>
public sealed record CaptionQuery(string? Id, string? Text);

/// <summary>Why the model scored the pair as it did.</summary>
/// <param name="Model">The model asked for: sgr, saf or sgraf.</param>
/// <param name="Score">The pair's score with that model, as a search scores the pair.</param>
/// <param name="Image">The image: its gallery id and metadata; for region features both null; for a picture no id, and as metadata
/// its grid's boxes (width, height and boxes in the encoder's input square).</param>
/// <param name="Caption">The caption and the words the model read.</param>
/// <param name="Explanations">One per model scored: sgr, then saf (both for sgraf).</param>
public sealed record ExplainResponse(string Model, double Score, ExplainedImage Image, ExplainedCaption Caption,
    IReadOnlyList<ModelExplanation> Explanations);

/// <param name="Id">The gallery image id; null for region features or a picture.</param>
/// <param name="Metadata">The gallery image's metadata; for a picture, its grid cells as <c>boxes</c> in a <c>width</c> × <c>height</c>
/// square (the encoder's input), which stretch over the picture as shown; null for region features or an image without any.</param>
public sealed record ExplainedImage(string? Id, JsonObject? Metadata);

/// <param name="Id">The gallery caption id; null for a sentence.</param>
/// <param name="Text">The caption text.</param>
/// <param name="Words">The tokens the model read, in order: &lt;start&gt;, the caption's words as the tokenizer split and lower-cased them, &lt;end&gt;.</param>
/// <param name="UnknownWords">The caption's words that the model's vocabulary does not hold (it reads each as &lt;unk&gt;), each once; empty when none.</param>
public sealed record ExplainedCaption(string? Id, string Text, IReadOnlyList<string> Words, IReadOnlyList<string> UnknownWords);

/// <summary>One model's weights behind its score; a weight the model does not have is null.</summary>
/// <param name="Model">sgr or saf.</param>
/// <param name="Score">This model's score of the pair.</param>
/// <param name="GlobalEdge">SGR: the weight of the edge from the global node to itself in the last reasoning step (the edges from the global node sum to 1).</param>
/// <param name="GlobalFiltration">SAF: the filtration weight of the global (whole image vs whole caption) similarity (with the words' weights it sums to 1).</param>
/// <param name="Words">Every word, in caption order.</param>
public sealed record ModelExplanation(string Model, double Score, double? GlobalEdge, double? GlobalFiltration, IReadOnlyList<WordExplanation> Words);

/// <param name="Index">The word's position in <see cref="ExplainedCaption.Words"/>.</param>
/// <param name="Word">The word.</param>
/// <param name="Attention">The word's attention over all 36 regions (they sum to 1), highest first.</param>
/// <param name="Edge">SGR: the last reasoning step's edge weight from the global node to this word's node.</param>
/// <param name="Filtration">SAF: the filtration weight of this word's similarity.</param>
public sealed record WordExplanation(int Index, string Word, IReadOnlyList<RegionWeight> Attention, double? Edge, double? Filtration);

/// <param name="Region">Region index, 0 to 35, as in the image's region features.</param>
/// <param name="Weight">The word's attention weight on that region.</param>
public sealed record RegionWeight(int Region, double Weight);
