using Microsoft.Extensions.Options;
using Sgraf.Api.Configuration;
using Sgraf.Inference.Runtime;

namespace Sgraf.Api.Gallery.Index;

/// <summary>Makes empty indexes for the loaded bundle and storage settings: the service's one, or one per shard a silo holds.</summary>
public sealed class GalleryIndexFactory(SgrafRuntime runtime, EmbeddingCodec codec, IOptions<SgrafServiceOptions> options)
{
    public GalleryIndex Create() => new(codec, runtime.Shortlist, runtime.Bundle.EmbeddingsHash, ShortlistHeadHash(runtime.Bundle),
        options.Value.Storage.Precision == StoragePrecision.Float16, options.Value.DataDirectory);

    // What stored shortlist vectors depend on: the head's two graphs (their SHA-256 from the manifest); empty without one.
    static string ShortlistHeadHash(SgrafBundle bundle) => bundle.Shortlist is null ? "" :
        string.Join("+", bundle.Manifest.Files[BundleManifest.ShortlistImageFile].Sha256, bundle.Manifest.Files[BundleManifest.ShortlistTextFile].Sha256);
}
