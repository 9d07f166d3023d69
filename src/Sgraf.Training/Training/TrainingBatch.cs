using Sgraf.Inference.Data;
using Sgraf.Inference.Model;
using Sgraf.Training.Model;
using static TorchSharp.torch;

namespace Sgraf.Training.Training;

/// <summary>
/// A training batch as the official loader builds it: each caption with its own image (image ⌊k / 5⌋), so an
/// image with two captions in the batch appears twice.
/// </summary>
public sealed record TrainingBatch(Tensor Images, Tensor TokenIds, Tensor Lengths, long[] LengthArray)
{
    /// <summary>Tensors are created in the caller's dispose scope; token ids and images on <paramref name="device"/>, lengths on the CPU.</summary>
    public static TrainingBatch Assemble(PrecompDataset data, IReadOnlyList<int[]> captionIds, IReadOnlyList<int> captions, Device device)
    {
        int width = SgrafConfig.Regions * data.ImageDim;
        var features = new float[captions.Count * width];
        for (int b = 0; b < captions.Count; b++) data.Image(data.ImageOf(captions[b])).CopyTo(features.AsSpan(b * width, width));
        var (ids, lengths) = TokenBatch.Pad(captions.Select(k => captionIds[k]).ToArray());
        var lengthArray = captions.Select(k => (long)captionIds[k].Length).ToArray();
        return new TrainingBatch(tensor(features, [captions.Count, SgrafConfig.Regions, data.ImageDim]).to(device), ids.to(device), lengths, lengthArray);
    }
}
