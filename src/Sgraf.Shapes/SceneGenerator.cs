namespace Sgraf.Shapes;

/// <summary>
/// Samples the scenes of one split from a seeded <see cref="Random"/>: two to four objects of random shape, colour and
/// size on non-overlapping boxes, about a third of them repeating the shape and colour of an earlier object (so that
/// counts above one occur). The first half of a split comes as (scene, twin) pairs at images (2k, 2k + 1): the twin
/// differs by one <see cref="TwinChange"/>, and both get captions that are false for the other where five such exist.
/// </summary>
public sealed class SceneGenerator(Random rng)
{
    const double RepeatProbability = 0.3;
    const double Margin = 0.02;
    const int PlacementTries = 50;

    public IReadOnlyList<CaptionedScene> Split(int count)
    {
        var scenes = new List<CaptionedScene>(count);
        int pairs = count / 4;
        for (int k = 0; k < pairs; k++)
        {
            var (original, twin) = Pair(originalIndex: scenes.Count);
            scenes.Add(original);
            scenes.Add(twin);
        }
        while (scenes.Count < count) scenes.Add(Single());
        return scenes;
    }

    CaptionedScene Single()
    {
        while (true)
        {
            var scene = new Scene(SampleObjects());
            if (CaptionGrammar.Choose(scene, rng, partner: null) is { } captions) return new CaptionedScene(scene, captions);
        }
    }

    (CaptionedScene Original, CaptionedScene Twin) Pair(int originalIndex)
    {
        while (true)
        {
            var original = new Scene(SampleObjects());
            var changes = Enum.GetValues<TwinChange>();
            rng.Shuffle(changes);
            foreach (var change in changes)
            {
                if (Twin(original, change, originalIndex) is not { } twin) continue;
                if (CaptionGrammar.Choose(original, rng, partner: twin) is { } originalCaptions
                    && CaptionGrammar.Choose(twin, rng, partner: original) is { } twinCaptions)
                    return (new CaptionedScene(original, originalCaptions), new CaptionedScene(twin, twinCaptions));
            }
        }
    }

    Scene? Twin(Scene original, TwinChange change, int originalIndex)
    {
        var objects = original.Objects.ToList();
        switch (change)
        {
            case TwinChange.SwapColours:
                var swappable = (from a in Enumerable.Range(0, objects.Count)
                                 from b in Enumerable.Range(0, objects.Count)
                                 where a < b && objects[a].Colour != objects[b].Colour && objects[a].Shape != objects[b].Shape
                                 select (a, b)).ToArray();
                if (swappable.Length == 0) return null;
                var (i, j) = swappable[rng.Next(swappable.Length)];
                (objects[i], objects[j]) = (objects[i] with { Colour = objects[j].Colour }, objects[j] with { Colour = objects[i].Colour });
                break;
            case TwinChange.Mirror:
                bool anyHorizontal = objects.Any(a => objects.Any(b => SpatialRelation.LeftOf.Holds(a.Box, b.Box)));
                if (!anyHorizontal) return null;
                objects = objects.Select(o => o with { Box = o.Box.MirroredHorizontally() }).ToList();
                break;
            case TwinChange.ChangeCount:
                var repeated = Enumerable.Range(0, objects.Count)
                    .Where(a => objects.Count(o => o.Shape == objects[a].Shape && o.Colour == objects[a].Colour) > 1).ToArray();
                bool canAdd = objects.Count < Scene.MaxObjects, canRemove = repeated.Length > 0 && objects.Count > Scene.MinObjects;
                if (canAdd && (!canRemove || rng.Next(2) == 0))
                {
                    var model = objects[rng.Next(objects.Count)];
                    var size = Pick<Size>();
                    if (PlaceBox(size, objects) is not { } box) return null;
                    objects.Add(new SceneObject(model.Shape, model.Colour, size, box));
                }
                else if (canRemove) objects.RemoveAt(repeated[rng.Next(repeated.Length)]);
                else return null;
                break;
        }
        return new Scene(objects, originalIndex, change);
    }

    List<SceneObject> SampleObjects()
    {
        while (true)
        {
            int count = rng.Next(Scene.MinObjects, Scene.MaxObjects + 1);
            var objects = new List<SceneObject>(count);
            while (objects.Count < count)
            {
                var (shape, colour) = objects.Count > 0 && rng.NextDouble() < RepeatProbability
                    ? Repeat(objects[rng.Next(objects.Count)])
                    : (Pick<Shape>(), Pick<Colour>());
                var size = Pick<Size>();
                if (PlaceBox(size, objects) is not { } box) break;
                objects.Add(new SceneObject(shape, colour, size, box));
            }
            if (objects.Count == count) return objects;
        }
    }

    static (Shape, Colour) Repeat(SceneObject o) => (o.Shape, o.Colour);

    Box? PlaceBox(Size size, IReadOnlyList<SceneObject> others)
    {
        for (int attempt = 0; attempt < PlacementTries; attempt++)
        {
            double side = size == Size.Small ? Uniform(0.12, 0.18) : Uniform(0.26, 0.34);
            double w = Box.Round(side * Uniform(0.9, 1.1)), h = Box.Round(side * Uniform(0.9, 1.1));
            var box = new Box(Box.Round(Uniform(w / 2 + Margin, 1 - w / 2 - Margin)), Box.Round(Uniform(h / 2 + Margin, 1 - h / 2 - Margin)), w, h);
            if (others.All(o => !o.Box.Overlaps(box, Margin))) return box;
        }
        return null;
    }

    T Pick<T>() where T : struct, Enum
    {
        var values = Enum.GetValues<T>();
        return values[rng.Next(values.Length)];
    }

    double Uniform(double low, double high) => low + (high - low) * rng.NextDouble();
}
