namespace Sgraf.Shapes;

/// <summary>A scene and its five true captions, in caption-file order.</summary>
public sealed record CaptionedScene(Scene Scene, IReadOnlyList<CaptionMeaning> Captions);
