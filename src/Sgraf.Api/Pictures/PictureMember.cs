using Sgraf.Api.Validation;

namespace Sgraf.Api.Pictures;

/// <summary>A picture given in a JSON member (<c>"picture"</c>): the picture file, base64-encoded.</summary>
public static class PictureMember
{
    /// <summary>The file's bytes; null, with what is wrong at <paramref name="path"/>, when the member is not base64.</summary>
    public static byte[]? Bytes(string picture, string path, ValidationErrors errors)
    {
        try
        {
            return Convert.FromBase64String(picture);
        }
        catch (FormatException)
        {
            errors.Add(path, picture.StartsWith("data:", StringComparison.OrdinalIgnoreCase)
                ? "is a data: URL, not base64; send only the base64 after its 'base64,'"
                : "is not valid base64; it must be the picture file (JPEG, PNG or WebP) in base64");
            return null;
        }
    }

    /// <summary>Says, at <paramref name="path"/>, that an image gives a picture and region features together.</summary>
    public static void BothGiven(string path, ValidationErrors errors) =>
        errors.Add(path, "gives a 'picture' and region features ('regions' or 'regionsBase64'); give one of them");
}
