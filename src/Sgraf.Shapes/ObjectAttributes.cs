namespace Sgraf.Shapes;

/// <summary>What an object of the shapes benchmark is. The enum names, lowercased, are the caption words.</summary>
public enum Shape { Circle, Square, Triangle, Star, Diamond }

/// <summary>The colour of an object; the lowercased name is the caption word.</summary>
public enum Colour { Red, Green, Blue, Yellow, Purple }

/// <summary>The size of an object: small boxes are 0.12–0.18 of the picture wide, large ones 0.26–0.34.</summary>
public enum Size { Small, Large }

/// <summary>The caption word of each attribute value.</summary>
public static class AttributeWords
{
    public static string Word(this Shape shape) => shape.ToString().ToLowerInvariant();
    public static string Plural(this Shape shape) => shape.Word() + "s";
    public static string Word(this Colour colour) => colour.ToString().ToLowerInvariant();
    public static string Word(this Size size) => size.ToString().ToLowerInvariant();

    static readonly string[] Numbers = ["zero", "one", "two", "three", "four"];

    /// <summary>The largest count a caption states ("four").</summary>
    public static int MaxCount => Numbers.Length - 1;

    public static string NumberWord(int count) => Numbers[count];
}
