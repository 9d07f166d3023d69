namespace Sgraf.Shapes;

/// <summary>What a region of a shapes picture shows.</summary>
public enum RegionKind { Object, Background, Clutter }

/// <summary>One of the 36 regions of a picture: its kind, the object it belongs to (−1 if none) and its box.</summary>
public readonly record struct Region(RegionKind Kind, int Object, Box Box);
