using Microsoft.Extensions.Options;
using Sgraf.Api.Configuration;
using Sgraf.Api.Gallery.Index;
using Sgraf.Api.Observability;
using Sgraf.Api.Search;
using Sgraf.Inference.Runtime;

namespace Sgraf.Api.Cluster;

/// <summary>
/// What the shards a silo holds share: the runtime and its sessions, the query cache, the scorer, and the service's one
/// budget of the machine's cores (also the picture encoder's), so that a search fanned out to all of them splits the
/// cores rather than multiplying threads.
/// </summary>
public sealed class ShardResources(
    SgrafRuntime runtime,
    EmbeddingCodec codec,
    GalleryIndexFactory indexes,
    QueryEmbeddingCache queryCache,
    ExactScorer scorer,
    ShortlistSearch shortlist,
    GalleryQuarantineMetrics quarantine,
    CoreBudget cores,
    IOptions<SgrafServiceOptions> options,
    ILoggerFactory loggers)
{
    public SgrafRuntime Runtime => runtime;

    public EmbeddingCodec Codec => codec;

    public GalleryIndexFactory Indexes => indexes;

    public QueryEmbeddingCache QueryCache => queryCache;

    public SgrafServiceOptions Options => options.Value;

    public ILoggerFactory Loggers => loggers;

    public GalleryQuarantineMetrics Quarantine => quarantine;

    public CoreBudget Cores => cores;

    public SearchEngine Engine(GalleryIndex index) => new(runtime, index, queryCache, scorer, shortlist, Cores);
}
