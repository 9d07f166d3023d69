using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using Sgraf.Inference.Model;

namespace Sgraf.Inference.Runtime;

/// <summary>
/// The runtime side of a bundle's shortlist head: maps encoded images and captions (what the gallery already keeps)
/// to l2-normalised shortlist vectors, whose dot products rank the gallery before the exact rerank. Thread-safe;
/// owned and disposed by <see cref="SgrafRuntime"/>.
/// </summary>
public sealed class ShortlistEncoder : IDisposable
{
    readonly InferenceSession imageHead;
    readonly InferenceSession textHead;
    readonly SimilarityModule[] modules;
    readonly int encodeBatchSize;

    internal ShortlistEncoder(SgrafBundle bundle, SessionOptions sessionOptions, int encodeBatchSize)
    {
        Config = bundle.Shortlist ?? throw new ArgumentException("the bundle has no shortlist head", nameof(bundle));
        modules = [.. bundle.Modules];
        this.encodeBatchSize = encodeBatchSize;
        imageHead = Load(bundle, BundleManifest.ShortlistImageFile, sessionOptions);
        try
        {
            textHead = Load(bundle, BundleManifest.ShortlistTextFile, sessionOptions);
        }
        catch
        {
            imageHead.Dispose();
            throw;
        }
    }

    public ShortlistHeadConfig Config { get; }

    /// <summary>Floats per shortlist vector.</summary>
    public int Dim => Config.Dim;

    /// <summary>One vector per image, (N, <see cref="Dim"/>) row-major.</summary>
    public float[] EncodeImages(ImageEmbeddings images)
    {
        ArgumentNullException.ThrowIfNull(images);
        var vectors = new float[(long)images.Count * Dim];
        for (int start = 0; start < images.Count; start += encodeBatchSize)
        {
            int n = Math.Min(encodeBatchSize, images.Count - start);
            var names = new List<string>();
            var inputs = new List<OrtValue>();
            try
            {
                foreach (var module in modules)
                {
                    var encoding = Encoding(images.Encodings, module);
                    int d = encoding.EmbedSize, perImage = SgrafConfig.Regions * d;
                    string name = BundleManifest.ModuleName(module);
                    names.Add($"{name}_regions");
                    inputs.Add(encoding.IsHalf
                        ? OrtTensors.Filled([n, SgrafConfig.Regions, d], span => encoding.CopyRegions(start, n, span))
                        : OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance,
                            MemoryMarshal.AsMemory(encoding.Regions.Slice(start * perImage, n * perImage)), [n, SgrafConfig.Regions, d]));
                    names.Add($"{name}_image_global");
                    inputs.Add(OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance,
                        MemoryMarshal.AsMemory(encoding.Globals.Slice(start * d, n * d)), [n, d]));
                }
                using var runOptions = new RunOptions();
                using var outputs = imageHead.Run(runOptions, names, inputs, ["image_vectors"]);
                outputs[0].GetTensorDataAsSpan<float>().CopyTo(vectors.AsSpan(start * Dim, n * Dim));
            }
            finally
            {
                foreach (var input in inputs) input.Dispose();
            }
        }
        return vectors;
    }

    /// <summary>One vector per caption, (C, <see cref="Dim"/>) row-major.</summary>
    public float[] EncodeCaptions(CaptionEmbeddings captions)
    {
        ArgumentNullException.ThrowIfNull(captions);
        // Copies of a caption (one shared encoding) get one vector, bit for bit, whichever batch they would fall in.
        var (distinct, of) = captions.Deduplicate();
        if (distinct.Count < captions.Count)
        {
            var once = EncodeCaptions(distinct);
            var expanded = new float[(long)captions.Count * Dim];
            for (int j = 0; j < captions.Count; j++) once.AsSpan(of[j] * Dim, Dim).CopyTo(expanded.AsSpan(j * Dim));
            return expanded;
        }
        var vectors = new float[(long)captions.Count * Dim];
        // Captions of similar length share a call, so little is spent on padding (which the graph masks out).
        var order = Enumerable.Range(0, captions.Count).OrderBy(j => captions.Lengths[j]).ToArray();
        foreach (var batch in order.Chunk(encodeBatchSize))
        {
            int b = batch.Length, maxLength = batch.Max(j => captions.Lengths[j]);
            var names = new List<string>();
            var inputs = new List<OrtValue>();
            try
            {
                foreach (var module in modules)
                {
                    var encoding = Encoding(captions.Encodings, module);
                    int d = encoding.EmbedSize;
                    string name = BundleManifest.ModuleName(module);
                    names.Add($"{name}_words");
                    inputs.Add(OrtTensors.Float([b, maxLength, d], span =>
                    {
                        for (int k = 0; k < b; k++) encoding.Words[batch[k]].CopyTo(span.Slice(k * maxLength * d));
                    }));
                    names.Add($"{name}_caption_global");
                    inputs.Add(OrtTensors.Float([b, d], span =>
                    {
                        for (int k = 0; k < b; k++) encoding.Globals.AsSpan(batch[k] * d, d).CopyTo(span.Slice(k * d));
                    }));
                }
                names.Add("lengths");
                inputs.Add(OrtTensors.Int64([b], span => { for (int k = 0; k < b; k++) span[k] = captions.Lengths[batch[k]]; }));
                using var runOptions = new RunOptions();
                using var outputs = textHead.Run(runOptions, names, inputs, ["caption_vectors"]);
                var values = outputs[0].GetTensorDataAsSpan<float>();
                for (int k = 0; k < b; k++) values.Slice(k * Dim, Dim).CopyTo(vectors.AsSpan(batch[k] * Dim, Dim));
            }
            finally
            {
                foreach (var input in inputs) input.Dispose();
            }
        }
        return vectors;
    }

    static T Encoding<T>(IReadOnlyDictionary<SimilarityModule, T> encodings, SimilarityModule module) =>
        encodings.TryGetValue(module, out var encoding)
            ? encoding
            : throw new ArgumentException($"the embeddings were not made by this bundle's {module} encoder");

    InferenceSession Load(SgrafBundle bundle, string file, SessionOptions sessionOptions)
    {
        var path = bundle.PathOf(file);
        InferenceSession session;
        try
        {
            session = new InferenceSession(path, sessionOptions);
        }
        catch (OnnxRuntimeException e)
        {
            throw InvalidInputException.InFile(path, $"ONNX Runtime cannot load the graph: {e.Message}");
        }
        var expected = Config.DimensionsKey();
        if (!session.ModelMetadata.CustomMetadataMap.TryGetValue(BundleManifest.ShortlistMetadataKey, out var actual) || actual != expected)
        {
            session.Dispose();
            throw InvalidInputException.InFile(bundle.PathOf(BundleManifest.FileName),
                $"the manifest's shortlist head ({expected}) does not match {file}, which was exported with ({actual ?? "no shortlist head"})");
        }
        return session;
    }

    public void Dispose()
    {
        imageHead.Dispose();
        textHead.Dispose();
    }
}
