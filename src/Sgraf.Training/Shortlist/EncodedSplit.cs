using Sgraf.Inference.Data;
using Sgraf.Inference.Model;
using Sgraf.Inference.Runtime;
using static TorchSharp.torch;

namespace Sgraf.Training.Shortlist;

/// <summary>
/// A precomp split encoded once by a bundle's frozen encoders: the runtime's embeddings, which the exact teacher scores
/// and which batches hand to the shortlist head with every model's features side by side per region and word. Only
/// the embeddings are kept, once; the raw region features are not.
/// </summary>
public sealed class EncodedSplit
{
    readonly SimilarityModule[] modules;

    EncodedSplit(ImageEmbeddings images, CaptionEmbeddings captions, IReadOnlyList<SimilarityModule> modules, int captionsPerImage)
    {
        Images = images;
        Captions = captions;
        this.modules = [.. modules];
        CaptionsPerImage = captionsPerImage;
        InputDim = modules.Sum(m => images.Encodings[m].EmbedSize);
    }

    public ImageEmbeddings Images { get; }
    public CaptionEmbeddings Captions { get; }

    /// <summary>Captions k·i … k·i + k − 1 describe image i (spec §12).</summary>
    public int CaptionsPerImage { get; }

    /// <summary>Features per region or word: the models' embed sizes summed.</summary>
    public int InputDim { get; }

    public int ImageCount => Images.Count;
    public int CaptionCount => Captions.Count;

    public int ImageOf(int caption) => caption / CaptionsPerImage;

    /// <summary>Encodes the first <paramref name="images"/> images of the split (all when null) and their captions.</summary>
    public static EncodedSplit Encode(SgrafRuntime runtime, PrecompDataset data, int? images = null)
    {
        if (images is { } n && n < data.ImageCount) data = data.Take(n * data.CaptionsPerImage);
        var encodedImages = runtime.EncodeImages(data.ImageFeatures, data.ImageCount);
        var encodedCaptions = runtime.EncodeCaptions(data.Captions);
        return new EncodedSplit(encodedImages, encodedCaptions, runtime.Modules, data.CaptionsPerImage);
    }

    /// <summary>(B, 36, input_dim) regions and (B, input_dim) globals of the given images.</summary>
    public (Tensor Regions, Tensor Globals) ImageBatch(IReadOnlyList<int> images)
    {
        var regions = new float[images.Count * SgrafConfig.Regions * InputDim];
        var globals = new float[images.Count * InputDim];
        int offset = 0;
        foreach (var module in modules)
        {
            var encoding = Images.Encodings[module];
            int d = encoding.EmbedSize;
            for (int b = 0; b < images.Count; b++)
            {
                for (int r = 0; r < SgrafConfig.Regions; r++)
                    encoding.Regions.Span.Slice((images[b] * SgrafConfig.Regions + r) * d, d)
                        .CopyTo(regions.AsSpan((b * SgrafConfig.Regions + r) * InputDim + offset));
                encoding.Globals.Span.Slice(images[b] * d, d).CopyTo(globals.AsSpan(b * InputDim + offset));
            }
            offset += d;
        }
        return (tensor(regions, [images.Count, SgrafConfig.Regions, InputDim]), tensor(globals, [images.Count, InputDim]));
    }

    /// <summary>(B, L, input_dim) zero-padded words, (B) lengths and (B, input_dim) globals of the given captions.</summary>
    public (Tensor Words, Tensor Lengths, Tensor Globals) CaptionBatch(IReadOnlyList<int> captions)
    {
        int longest = captions.Max(j => Captions.Lengths[j]);
        var words = new float[captions.Count * longest * InputDim];
        var globals = new float[captions.Count * InputDim];
        int offset = 0;
        foreach (var module in modules)
        {
            var encoding = Captions.Encodings[module];
            int d = encoding.EmbedSize;
            for (int b = 0; b < captions.Count; b++)
            {
                var own = encoding.Words[captions[b]];
                for (int t = 0; t < Captions.Lengths[captions[b]]; t++)
                    own.AsSpan(t * d, d).CopyTo(words.AsSpan((b * longest + t) * InputDim + offset));
                encoding.Globals.AsSpan(captions[b] * d, d).CopyTo(globals.AsSpan(b * InputDim + offset));
            }
            offset += d;
        }
        return (tensor(words, [captions.Count, longest, InputDim]),
                tensor(captions.Select(j => (long)Captions.Lengths[j]).ToArray()),
                tensor(globals, [captions.Count, InputDim]));
    }
}
