using Sgraf.Inference.Pictures;

namespace Sgraf.Api.Pictures;

/// <summary>
/// Pictures the service cannot take, answered as problem details with <see cref="Status"/> and an <c>errors</c> map from
/// where each picture is (<c>images[2].picture</c>, <c>pictures[0]</c>) to what is wrong with it: 415 when every
/// picture refused is of a format Sgraf does not decode, 413 when every one is over the size limit, else 400; 409 when
/// the bundle has no picture encoder. Nothing was stored.
/// </summary>
public sealed class PictureRefusedException(int status, string title, string detail, IDictionary<string, string[]> errors)
    : Exception($"{title}: {detail}")
{
    public int Status { get; } = status;

    public string Title { get; } = title;

    public string Detail { get; } = detail;

    public IDictionary<string, string[]> Errors { get; } = errors;

    /// <summary>Pictures refused by the decoder, with the status their problems call for together.</summary>
    public static PictureRefusedException From(IReadOnlyList<(string Path, InvalidPictureException Problem)> refused, string detail)
    {
        var problems = refused.Select(r => r.Problem.Problem).ToArray();
        int status = problems.All(p => p == PictureProblem.UnsupportedFormat) ? StatusCodes.Status415UnsupportedMediaType
            : problems.All(p => p == PictureProblem.TooManyBytes) ? StatusCodes.Status413PayloadTooLarge
            : StatusCodes.Status400BadRequest;
        string title = status switch
        {
            StatusCodes.Status415UnsupportedMediaType => $"Pictures must be {PictureDecoder.SupportedFormats}",
            StatusCodes.Status413PayloadTooLarge => "A picture is too large",
            _ => "A picture cannot be used",
        };
        return new(status, title, detail, refused.GroupBy(r => r.Path).ToDictionary(g => g.Key, g => g.Select(r => r.Problem.Message).ToArray()));
    }

    /// <summary>409: the bundle has no picture encoder; says how to give it one.</summary>
    public static PictureRefusedException NoEncoder(string bundleDirectory, string path) =>
        new(StatusCodes.Status409Conflict, "This bundle has no picture encoder",
            $"The service's bundle ({bundleDirectory}) takes images as region features only. Add the picture encoder with " +
            $"`sgraf export-onnx --picture-encoder resnet18 --out {bundleDirectory}` (its models must take img_dim 512) and restart the service; " +
            "images given as 'regions' or 'regionsBase64' work as before. Nothing was stored.",
            new Dictionary<string, string[]> { [path] = ["is a picture, but this bundle has no picture encoder"] });
}
