namespace Sgraf.Inference;

/// <summary>
/// An input file or value that cannot be used as given (truncated checkpoint, .npy of the wrong shape,
/// captions that do not match the images, ...). The message names the file or value and what is wrong,
/// and is meant for the user as is: tools print it without a stack trace. Subclasses say more about what is wrong
/// where a caller answers differently by kind (<see cref="Pictures.InvalidPictureException"/>).
/// </summary>
public class InvalidInputException : Exception
{
    public InvalidInputException(string message) : base(message) { }
    public InvalidInputException(string message, Exception inner) : base(message, inner) { }

    /// <summary>The message prefixed with the file it is about: "<c>path: message</c>".</summary>
    public static InvalidInputException InFile(string path, string message) => new($"{path}: {message}");
}
