using System.Text.Json.Nodes;

namespace Sgraf.Api.Captions;

/// <summary>Captions to add to the gallery; an id already there is replaced.</summary>
/// <param name="Captions">One or more captions, each with a distinct id.</param>
public sealed record AddCaptionsRequest(IReadOnlyList<NewCaption>? Captions);

/// <summary>One caption.</summary>
/// <param name="Id">Gallery id: 1–256 characters in Unicode NFC, without control or format characters, / or \, or whitespace at either end. <example>caption-0001</example></param>
/// <param name="Text">The sentence, tokenized as the official loader does. <example>a small red circle is left of a large blue square</example></param>
/// <param name="Metadata">Any JSON object kept with the caption and returned with search hits.</param>
public sealed record NewCaption(string? Id, string? Text, JsonObject? Metadata);

/// <summary>What an add did.</summary>
public sealed record AddCaptionsResponse(int Added, int Replaced, IReadOnlyList<string> Ids);

/// <summary>A caption of the gallery.</summary>
public sealed record CaptionInfo(string Id, string Text, JsonObject? Metadata);
