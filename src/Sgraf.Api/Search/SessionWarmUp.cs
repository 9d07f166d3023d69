using Sgraf.Inference.Model;
using Sgraf.Inference.Runtime;

namespace Sgraf.Api.Search;

/// <summary>
/// One call through every session before serving: the first ONNX Runtime call of each session allocates and plans,
/// and a user's first search should not pay it.
/// </summary>
public static class SessionWarmUp
{
    public static void Run(SgrafRuntime runtime)
    {
        var (images, captions) = (runtime.EncodeImages(new float[SgrafConfig.Regions * runtime.Bundle.ImgDim], 1), runtime.EncodeCaptions(["warm up"]));
        runtime.Score(images, captions);
        runtime.Shortlist?.EncodeImages(images);
        runtime.Shortlist?.EncodeCaptions(captions);
    }
}
