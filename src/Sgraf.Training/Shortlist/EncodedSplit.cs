using Sgraf.Inference.Data;
using Sgraf.Inference.Model;
using Sgraf.Inference.Runtime;
using static TorchSharp.torch;

namespace Sgraf.Training.Shortlist;

/// <summary>
/// A precomp split encoded once by a bundle's frozen encoders: the runtime's embeddings (for the exact teacher scores)
/// and the same embeddings as the shortlist head reads them, every model's features side by side per region and word.
/// </summary>
public sealed class EncodedSplit
{
    EncodedSplit(PrecompDataset data, ImageEmbeddings images, CaptionEmbeddings captions, IReadOnlyList<SimilarityModule> modules)
    {
        Data = data;
        Images = images;
        Captions = captions;
        InputDim = modules.Sum(m => images.Encodings[m].EmbedSize);
        Regions = Interleave(images.Count * SgrafConfig.Regions, modules.Select(m => (images.Encodings[m].Regions, images.Encodings[m].EmbedSize)).ToArray());
        ImageGlobals = Interleave(images.Count, modules.Select(m => (images.Encodings[m].Globals, images.Encodings[m].EmbedSize)).ToArray());
        CaptionGlobals = Interleave(captions.Count, modules.Select(m => (captions.Encodings[m].Globals, captions.Encodings[m].EmbedSize)).ToArray());
        Words = [.. Enumerable.Range(0, captions.Count).Select(j =>
            Interleave(captions.Lengths[j], modules.Select(m => (captions.Encodings[m].Words[j], captions.Encodings[m].EmbedSize)).ToArray()))];
    }

    public PrecompDataset Data { get; }
    public ImageEmbeddings Images { get; }
    public CaptionEmbeddings Captions { get; }

    /// <summary>Features per region or word: the models' embed sizes summed.</summary>
    public int InputDim { get; }

    /// <summary>(N, 36, input_dim) region features, row-major.</summary>
    public float[] Regions { get; }

    /// <summary>(N, input_dim).</summary>
    public float[] ImageGlobals { get; }

    /// <summary>Per caption, (length, input_dim).</summary>
    public float[][] Words { get; }

    /// <summary>(C, input_dim).</summary>
    public float[] CaptionGlobals { get; }

    public int ImageCount => Images.Count;
    public int CaptionCount => Captions.Count;

    /// <summary>Encodes the first <paramref name="images"/> images of the split (all when null) and their captions.</summary>
    public static EncodedSplit Encode(SgrafRuntime runtime, PrecompDataset data, int? images = null)
    {
        if (images is { } n && n < data.ImageCount) data = data.Take(n * data.CaptionsPerImage);
        var encodedImages = runtime.EncodeImages(data.ImageFeatures, data.ImageCount);
        var encodedCaptions = runtime.EncodeCaptions(data.Captions);
        return new EncodedSplit(data, encodedImages, encodedCaptions, runtime.Modules);
    }

    /// <summary>(B, 36, input_dim) regions and (B, input_dim) globals of the given images.</summary>
    public (Tensor Regions, Tensor Globals) ImageBatch(IReadOnlyList<int> images)
    {
        int perImage = SgrafConfig.Regions * InputDim;
        var regions = new float[images.Count * perImage];
        var globals = new float[images.Count * InputDim];
        for (int b = 0; b < images.Count; b++)
        {
            Regions.AsSpan(images[b] * perImage, perImage).CopyTo(regions.AsSpan(b * perImage));
            ImageGlobals.AsSpan(images[b] * InputDim, InputDim).CopyTo(globals.AsSpan(b * InputDim));
        }
        return (tensor(regions, [images.Count, SgrafConfig.Regions, InputDim]), tensor(globals, [images.Count, InputDim]));
    }

    /// <summary>(B, L, input_dim) zero-padded words, (B) lengths and (B, input_dim) globals of the given captions.</summary>
    public (Tensor Words, Tensor Lengths, Tensor Globals) CaptionBatch(IReadOnlyList<int> captions)
    {
        int longest = captions.Max(j => Captions.Lengths[j]);
        var words = new float[captions.Count * longest * InputDim];
        var globals = new float[captions.Count * InputDim];
        for (int b = 0; b < captions.Count; b++)
        {
            Words[captions[b]].CopyTo(words.AsSpan(b * longest * InputDim));
            CaptionGlobals.AsSpan(captions[b] * InputDim, InputDim).CopyTo(globals.AsSpan(b * InputDim));
        }
        return (tensor(words, [captions.Count, longest, InputDim]),
                tensor(captions.Select(j => (long)Captions.Lengths[j]).ToArray()),
                tensor(globals, [captions.Count, InputDim]));
    }

    /// <summary>Rows of several models' (rows × D_m) arrays side by side: (rows × ΣD_m).</summary>
    static float[] Interleave(int rows, (float[] Values, int Dim)[] parts)
    {
        int width = parts.Sum(p => p.Dim);
        var result = new float[(long)rows * width];
        for (int r = 0; r < rows; r++)
        {
            int at = r * width;
            foreach (var (values, dim) in parts)
            {
                values.AsSpan(r * dim, dim).CopyTo(result.AsSpan(at));
                at += dim;
            }
        }
        return result;
    }
}
