namespace Sgraf.Shapes;

/// <summary>"a [size] colour shape": an object description; the size is optional.</summary>
public sealed record NounPhrase(Size? Size, Colour Colour, Shape Shape)
{
    public bool Matches(SceneObject o) => o.Shape == Shape && o.Colour == Colour && (Size is not { } size || o.Size == size);

    public string Text => Size is { } size ? $"a {size.Word()} {Colour.Word()} {Shape.Word()}" : $"a {Colour.Word()} {Shape.Word()}";
}

/// <summary>
/// What a caption of the shapes grammar says, with its text and its truth in a scene. Every statement is existential
/// or an exact count, so truth is decided from the objects alone (see <see cref="CaptionGrammar"/> for the grammar).
/// </summary>
public abstract record CaptionMeaning
{
    public abstract string Text { get; }

    public abstract bool IsTrueFor(Scene scene);

    /// <summary>Whether two different objects satisfy the two descriptions and <paramref name="condition"/>.</summary>
    private protected static bool AnyPair(Scene scene, NounPhrase first, NounPhrase second, Func<SceneObject, SceneObject, bool> condition)
    {
        var objects = scene.Objects;
        for (int a = 0; a < objects.Count; a++)
            for (int b = 0; b < objects.Count; b++)
                if (a != b && first.Matches(objects[a]) && second.Matches(objects[b]) && condition(objects[a], objects[b]))
                    return true;
        return false;
    }
}

/// <summary>"a small red circle left of a blue square": some such pair stands in that relation.</summary>
public sealed record RelationCaption(NounPhrase Subject, SpatialRelation Relation, NounPhrase Object) : CaptionMeaning
{
    public override string Text => $"{Subject.Text} {Relation.Words()} {Object.Text}";

    public override bool IsTrueFor(Scene scene) => AnyPair(scene, Subject, Object, (a, b) => Relation.Holds(a.Box, b.Box));
}

/// <summary>"a red circle and a blue square": two different objects fit the two descriptions.</summary>
public sealed record ConjunctionCaption(NounPhrase First, NounPhrase Second) : CaptionMeaning
{
    public override string Text => $"{First.Text} and {Second.Text}";

    public override bool IsTrueFor(Scene scene) => AnyPair(scene, First, Second, (_, _) => true);
}

/// <summary>
/// "there are exactly two red circles", "there is exactly one square", "there are exactly three blue shapes",
/// "there are exactly four shapes": exactly <see cref="Count"/> objects have the given colour and shape (either may be left out).
/// </summary>
public sealed record CountCaption(int Count, Colour? Colour, Shape? Shape) : CaptionMeaning
{
    public override string Text
    {
        get
        {
            var noun = Shape is { } shape ? (Count == 1 ? shape.Word() : shape.Plural()) : (Count == 1 ? "shape" : "shapes");
            var adjective = Colour is { } colour ? colour.Word() + " " : "";
            return $"there {(Count == 1 ? "is" : "are")} exactly {AttributeWords.NumberWord(Count)} {adjective}{noun}";
        }
    }

    public override bool IsTrueFor(Scene scene) =>
        scene.Objects.Count(o => (Colour is not { } c || o.Colour == c) && (Shape is not { } s || o.Shape == s)) == Count;
}
