using Sgraf.Inference.Pictures;

namespace Sgraf.Api.Pictures;

/// <summary>Pictures a search or an explanation sends (<c>"picture"</c>) → their region features; nothing is kept.</summary>
public static class PictureQueries
{
    /// <summary>The features (36 × img_dim) of each picture, in order.</summary>
    /// <exception cref="PictureRefusedException">A picture cannot be used; every one refused is named by its path.</exception>
    public static async Task<float[][]> FeaturesAsync(IReadOnlyList<(string Path, byte[] File)> pictures, PicturePipeline pipeline, CancellationToken cancellationToken)
    {
        var features = new float[pictures.Count][];
        var refused = new List<(string Path, InvalidPictureException Problem)>();
        for (int i = 0; i < pictures.Count; i++)
        {
            try
            {
                features[i] = await pipeline.QueryFeaturesAsync(pictures[i].File, cancellationToken);
            }
            catch (InvalidPictureException e)
            {
                refused.Add((pictures[i].Path, e));
            }
        }
        if (refused.Count > 0)
            throw PictureRefusedException.From(refused, "See 'errors': each names a picture and what is wrong with it. Nothing was searched.");
        return features;
    }
}
