namespace Sgraf.Shapes;

/// <summary>One object of a scene: its attributes and its box.</summary>
public sealed record SceneObject(Shape Shape, Colour Colour, Size Size, Box Box);

/// <summary>How a twin scene differs from the scene it was made from.</summary>
public enum TwinChange
{
    /// <summary>Two objects of different shapes exchange their colours: one binding changes, nothing else.</summary>
    SwapColours,

    /// <summary>Every box is mirrored left-right: the objects stay, horizontal relations flip.</summary>
    Mirror,

    /// <summary>One object with the shape and colour of another is added or removed: a count changes.</summary>
    ChangeCount,
}

/// <summary>
/// A scene of the shapes benchmark: two to four objects. A twin records the scene it was made from
/// (<see cref="TwinOf"/>, an image index in the same split) and the one change that makes it different.
/// </summary>
public sealed record Scene(IReadOnlyList<SceneObject> Objects, int? TwinOf = null, TwinChange? Change = null)
{
    public const int MinObjects = 2;
    public const int MaxObjects = 4;
}
