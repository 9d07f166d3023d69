using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using Sgraf.Inference.Model;

namespace Sgraf.Inference.Runtime;

/// <summary>
/// The images one scoring call reads, as score chunks hand them to ONNX Runtime: a whole encoded set read in place
/// (pinned, no copy), or images scattered over several sets, of which each chunk copies only its own, once, straight
/// into ONNX Runtime's memory.
/// </summary>
internal abstract class ScoredImages
{
    public abstract int Count { get; }

    public abstract bool Has(SimilarityModule module);

    /// <summary>Regions (n, 36, D) and globals (n, D) of images first … first + n − 1; the caller disposes both.</summary>
    public abstract (OrtValue Regions, OrtValue Globals) Tensors(SimilarityModule module, int first, int n);

    public static ScoredImages InPlace(ImageEmbeddings images) => new Whole(images);

    public static ScoredImages Scattered(IReadOnlyList<(ImageEmbeddings Source, int Index)> images) => new Picked(images);

    sealed class Whole(ImageEmbeddings images) : ScoredImages
    {
        public override int Count => images.Count;

        public override bool Has(SimilarityModule module) => images.Encodings.ContainsKey(module);

        public override (OrtValue Regions, OrtValue Globals) Tensors(SimilarityModule module, int first, int n)
        {
            var encoding = images.Encodings[module];
            int d = encoding.EmbedSize, perImage = SgrafConfig.Regions * d;
            if (encoding.IsHalf)
                return (OrtTensors.Filled([n, SgrafConfig.Regions, d], span => encoding.CopyRegions(first, n, span)),
                        OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, MemoryMarshal.AsMemory(encoding.Globals.Slice(first * d, n * d)), [n, d]));
            // ONNX Runtime takes writable memory for inputs but does not write them.
            return (OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, MemoryMarshal.AsMemory(encoding.Regions.Slice(first * perImage, n * perImage)), [n, SgrafConfig.Regions, d]),
                    OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, MemoryMarshal.AsMemory(encoding.Globals.Slice(first * d, n * d)), [n, d]));
        }
    }

    sealed class Picked(IReadOnlyList<(ImageEmbeddings Source, int Index)> images) : ScoredImages
    {
        public override int Count => images.Count;

        public override bool Has(SimilarityModule module) => images.All(i => i.Source.Encodings.ContainsKey(module));

        public override (OrtValue Regions, OrtValue Globals) Tensors(SimilarityModule module, int first, int n)
        {
            int d = images[first].Source.Encodings[module].EmbedSize, perImage = SgrafConfig.Regions * d;
            var regions = OrtTensors.Filled([n, SgrafConfig.Regions, d], span =>
            {
                for (int k = 0; k < n; k++)
                {
                    var (source, index) = images[first + k];
                    source.Encodings[module].CopyRegions(index, 1, span.Slice(k * perImage));
                }
            });
            var globals = OrtTensors.Filled([n, d], span =>
            {
                for (int k = 0; k < n; k++)
                {
                    var (source, index) = images[first + k];
                    source.Encodings[module].CopyGlobals(index, 1, span.Slice(k * d));
                }
            });
            return (regions, globals);
        }
    }
}
