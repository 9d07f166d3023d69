using Sgraf.Inference.Data;
using Sgraf.Inference.Runtime;
using Sgraf.Shapes;
using Sgraf.TestSupport;

namespace Sgraf.Inference.Tests.Runtime;

/// <summary>
/// The committed demo bundle (format 3) and the same bundle at format version 2 (<see cref="Format2Bundle"/>), with real
/// inputs: the first images of the shapes test split the demo models were evaluated on, and their captions.
/// </summary>
public sealed class DemoBundles : IDisposable
{
    public const int ImageCount = 40;

    readonly TempDirectory work = new();

    public DemoBundles()
    {
        ShapesBenchmarkWriter.WriteSplit(work.Path, new ShapesBenchmarkOptions(Test: ImageCount), "test");
        Data = PrecompDataset.Load(work.Path, "test");
        Current = SgrafRuntime.Open(Path.Combine(RepositoryPaths.Models, "shapes-bundle"));
        Format2Directory = Format2Bundle.CopyTo(work.File("format2"));
        Format2 = SgrafRuntime.Open(Format2Directory);
        Images = Current.EncodeImages(Data.ImageFeatures, Data.ImageCount);
        Captions = Current.EncodeCaptions(Data.Captions);
    }

    public PrecompDataset Data { get; }
    public SgrafRuntime Current { get; }
    public SgrafRuntime Format2 { get; }
    public string Format2Directory { get; }
    public ImageEmbeddings Images { get; }
    public CaptionEmbeddings Captions { get; }

    /// <summary>A scratch folder that lives as long as the fixture.</summary>
    public string Scratch(string name) => work.File(name);

    public void Dispose()
    {
        Current.Dispose();
        Format2.Dispose();
        work.Dispose();
    }
}
