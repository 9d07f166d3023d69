using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using Sgraf.Inference.Pictures;
using Sgraf.Inference.Runtime;

namespace Sgraf.Api.Configuration;

/// <summary>
/// The service's settings: section <c>Sgraf</c> of appsettings.json, or environment variables such as
/// <c>Sgraf__BundleDirectory</c>, <c>Sgraf__ApiKeys__0</c>, <c>Sgraf__Batching__Enabled</c>. Validated at start.
/// </summary>
public sealed class SgrafServiceOptions
{
    public const string Section = "Sgraf";

    /// <summary>The ONNX bundle (made by <c>sgraf export-onnx</c>). Empty: the demo bundle, models/shapes-bundle of this repository.</summary>
    public string BundleDirectory { get; set; } = "";

    /// <summary>
    /// Where the local gallery log lives. Empty: in this repository data/service for the demo bundle and
    /// data/service-NAME for a bundle folder NAME (each bundle its own gallery), or ./data outside a checkout.
    /// </summary>
    public string DataDirectory { get; set; } = "";

    /// <summary>Where the gallery is kept: <see cref="GalleryStoreKind.Local"/> (a log in DataDirectory) or <see cref="GalleryStoreKind.Redis"/> (shared by replicas).</summary>
    public GalleryStoreKind Store { get; set; } = GalleryStoreKind.Local;

    [ValidateObjectMembers]
    public RedisStoreOptions Redis { get; set; } = new();

    /// <summary>Keys accepted in X-Api-Key for adds and deletes. With none, the gallery is read-only.</summary>
    public List<string> ApiKeys { get; set; } = [];

    /// <summary>Also require a key for searches and reads.</summary>
    public bool RequireApiKeyForSearch { get; set; }

    [ValidateObjectMembers]
    public DemoGalleryOptions DemoGallery { get; set; } = new();

    [ValidateObjectMembers]
    public LimitOptions Limits { get; set; } = new();

    [ValidateObjectMembers]
    public BatchingOptions Batching { get; set; } = new();

    [ValidateObjectMembers]
    public SearchOptions Search { get; set; } = new();

    [ValidateObjectMembers]
    public AdmissionOptions Admission { get; set; } = new();

    [ValidateObjectMembers]
    public QueryCacheOptions QueryCache { get; set; } = new();

    [ValidateObjectMembers]
    public RuntimeOptions Runtime { get; set; } = new();

    [ValidateObjectMembers]
    public StorageOptions Storage { get; set; } = new();

    [ValidateObjectMembers]
    public PictureOptions Pictures { get; set; } = new();

    [ValidateObjectMembers]
    public ClusterOptions Cluster { get; set; } = new();

    /// <summary>Log as compact JSON (one object per line), as containers want; plain text otherwise.</summary>
    public bool JsonLogs { get; set; }

    /// <summary>Serve the OpenAPI document and Swagger UI at /swagger. Unset: in Development only (so `dotnet run` has them).</summary>
    public bool? Swagger { get; set; }

    public bool SwaggerShown(Microsoft.Extensions.Hosting.IHostEnvironment environment) => Swagger ?? environment.IsDevelopment();
}

public enum GalleryStoreKind
{
    Local,
    Redis,
}

public sealed class RedisStoreOptions
{
    /// <summary>
    /// StackExchange.Redis configuration string, e.g. <c>localhost:6379</c>, or <c>redis:6380,ssl=true</c> for TLS (with
    /// <see cref="TlsCaFile"/> when a private CA signed the server's certificate). The password is best given apart, in
    /// <see cref="Password"/>.
    /// </summary>
    public string Configuration { get; set; } = "localhost:6379";

    /// <summary>
    /// Redis's password (its <c>requirepass</c>, or an ACL user's password with <c>user=NAME</c> in
    /// <see cref="Configuration"/>). Apart from the configuration string so that it can come from a secret
    /// (<c>Sgraf__Redis__Password</c>); it replaces a <c>password=</c> given there. Empty: the configuration string's.
    /// </summary>
    public string Password { get; set; } = "";

    /// <summary>TLS (<c>ssl=true</c>): a PEM file of the CA that signed the Redis server's certificate, trusted for it alone.</summary>
    public string TlsCaFile { get; set; } = "";

    /// <summary>
    /// TLS: this client's certificate (PEM), for a Redis that checks clients' certificates (<c>tls-auth-clients yes</c>,
    /// Redis's default); with <see cref="TlsKeyFile"/>.
    /// </summary>
    public string TlsCertificateFile { get; set; } = "";

    /// <summary>TLS: the private key (PEM) of <see cref="TlsCertificateFile"/>.</summary>
    public string TlsKeyFile { get; set; } = "";

    /// <summary>Prefix of every key the gallery uses, so several galleries can share one Redis.</summary>
    [Required, RegularExpression("^[A-Za-z0-9_.:-]{1,64}$", ErrorMessage = "Sgraf:Redis:KeyPrefix must be 1-64 letters, digits or _ . : -")]
    public string KeyPrefix { get; set; } = "sgraf";

    /// <summary>
    /// This replica's name among the gallery's replicas, under which it publishes how far its local copy (in
    /// Sgraf:DataDirectory) is checkpointed. Keep it stable across restarts and distinct per data directory. Empty: the
    /// host name and the data directory's path.
    /// </summary>
    [RegularExpression("^[A-Za-z0-9_.:/-]{0,200}$", ErrorMessage = "Sgraf:Redis:ReplicaName must be up to 200 letters, digits or _ . : / -")]
    public string ReplicaName { get; set; } = "";

    /// <summary>
    /// How long a replica counts as live after its last heartbeat (sent every third of this). The stream is trimmed only
    /// up to what every live replica has checkpointed, so a replica down for longer starts from the snapshot instead.
    /// </summary>
    [Range(1, 86_400)]
    public int ReplicaTtlSeconds { get; set; } = 30;

    /// <summary>The same settings for a gallery under another key prefix (a shard's).</summary>
    public RedisStoreOptions WithKeyPrefix(string keyPrefix)
    {
        var copy = (RedisStoreOptions)MemberwiseClone();
        copy.KeyPrefix = keyPrefix;
        return copy;
    }
}

public sealed class StorageOptions
{
    /// <summary>
    /// Local store: once the log holds this many bytes, a checkpoint seals the gallery into memory-mapped segment files
    /// and starts a new log (about 220 full-size or 1,700 demo images between checkpoints at the default, 64 MiB).
    /// </summary>
    [Range(1L << 16, 1L << 40)]
    public long CheckpointBytes { get; set; } = 64L << 20;

    /// <summary>
    /// How sealed segment files store image embeddings. Float32 (the default) keeps scores exact. Float16 halves disk
    /// and page cache; the scorer widens to float32 as it reads, and scores move by float16 rounding (measured in
    /// docs/benchmarks.md). Applies to segments sealed from then on; existing files keep theirs.
    /// </summary>
    public StoragePrecision Precision { get; set; } = StoragePrecision.Float32;
}

/// <summary>
/// Sharded mode: the gallery is split into <see cref="Shards"/> shards by a stable hash of the id, each an Orleans grain
/// that keeps its shard's log in Redis (Sgraf:Redis) and its segments on the silo's disk. Every process is a silo and
/// serves the same API; Redis holds the membership table too.
/// </summary>
public sealed class ClusterOptions
{
    /// <summary>Run as a silo of a sharded cluster (needs Sgraf:Store Redis).</summary>
    public bool Enabled { get; set; }

    /// <summary>How many shards the gallery has. Fixed for a gallery's life: an id's shard is its hash modulo this.</summary>
    [Range(1, 4096)]
    public int Shards { get; set; } = 12;

    /// <summary>Silos with the same id form one cluster (and share its Redis membership table).</summary>
    [Required, RegularExpression("^[A-Za-z0-9_.-]{1,64}$", ErrorMessage = "Sgraf:Cluster:ClusterId must be 1-64 letters, digits or _ . -")]
    public string ClusterId { get; set; } = "sgraf";

    /// <summary>
    /// The address other silos reach this one at (an IP address). The silo port (and a gateway, if any) listens on this
    /// address alone, not on every interface of the machine.
    /// </summary>
    [Required]
    public string AdvertisedAddress { get; set; } = "127.0.0.1";

    /// <summary>Port for silo-to-silo traffic, on <see cref="AdvertisedAddress"/>.</summary>
    [Range(1, 65535)]
    public int SiloPort { get; set; } = 11111;

    /// <summary>
    /// Port for Orleans clients (a gateway), on <see cref="AdvertisedAddress"/>; 0 (the default): none. The service's
    /// processes are silos and need none; a gateway is for an Orleans client of your own, which must then present a
    /// certificate the silos trust (<see cref="Tls"/>).
    /// </summary>
    [Range(0, 65535)]
    public int GatewayPort { get; set; }

    /// <summary>Mutual TLS between silos (and a gateway's clients): on unless turned off.</summary>
    [ValidateObjectMembers]
    public ClusterTlsOptions Tls { get; set; } = new();

    /// <summary>How long a search or write waits for one shard before counting it unavailable (503, or a partial answer).</summary>
    [Range(1, 600)]
    public int ShardTimeoutSeconds { get; set; } = 10;

    /// <summary>
    /// Seconds between failure-detector probes. A silo that misses 3 in a row is declared dead by the others and its
    /// shards reactivate on the survivors, so this sets how fast failover begins.
    /// </summary>
    [Range(1, 60)]
    public int ProbeSeconds { get; set; } = 2;
}

/// <summary>
/// Mutual TLS on the silo port (and a gateway's): each silo presents its certificate, and accepts a peer only if the
/// peer's certificate chains to one of <see cref="CaFile"/>'s certificates (both directions), so a process without such
/// a certificate can neither join the cluster nor call a shard. scripts/make-cluster-certs.sh makes a CA and per-silo
/// certificates for trying it out; docs/deployment.md says how to rotate them.
/// </summary>
public sealed class ClusterTlsOptions
{
    /// <summary>Off only on a network where nothing but the silos can reach the silo ports (silo traffic then travels in clear and unauthenticated).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>This silo's certificate: a PEM file (with <see cref="KeyFile"/>) or a PKCS#12 file (.pfx/.p12, with <see cref="CertificatePassword"/> if any).</summary>
    public string CertificateFile { get; set; } = "";

    /// <summary>The PEM private key of <see cref="CertificateFile"/>; empty for a PKCS#12 file or a PEM file that holds the key too.</summary>
    public string KeyFile { get; set; } = "";

    /// <summary>The password of a PKCS#12 <see cref="CertificateFile"/> or of an encrypted PEM key.</summary>
    public string CertificatePassword { get; set; } = "";

    /// <summary>
    /// PEM file of the certificates peers must chain to: the cluster's CA (or the peers' own self-signed certificates).
    /// During a rotation it holds the old CA and the new one.
    /// </summary>
    public string CaFile { get; set; } = "";
}

public enum StoragePrecision
{
    Float32,
    Float16,
}

public sealed class DemoGalleryOptions
{
    /// <summary>When the gallery is empty at start, fill it with the shapes test split (generated if missing).</summary>
    public bool Enabled { get; set; }

    /// <summary>Where the shapes split is read or generated. Empty: data/shapes of this repository.</summary>
    public string ShapesDirectory { get; set; } = "";

    /// <summary>How many test images (and their five captions each) to load.</summary>
    [Range(1, 100_000)]
    public int Images { get; set; } = 500;
}

public sealed class LimitOptions
{
    /// <summary>
    /// Largest body of an add (POST /images, POST /captions), which needs the API key; larger ones get 413. JSON region
    /// features are about 0.7 MB per 2048-d image.
    /// </summary>
    [Range(1024, 2L * 1024 * 1024 * 1024)]
    public long MaxRequestBodyBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>
    /// Largest body of a search or an explanation (open to anyone unless RequireApiKeyForSearch) and of every other
    /// request without a limit of its own; larger ones get 413 before the body is read. Raised where the bundle needs it
    /// to hold two raw-feature queries in base64 (RequestRules.SearchBodyBytes), which 1 MiB does up to img_dim 2560.
    /// </summary>
    [Range(16 * 1024, 2L * 1024 * 1024 * 1024)]
    public long MaxSearchBodyBytes { get; set; } = 1L << 20;

    /// <summary>
    /// Largest body of POST /images/import, which streams binary frames and holds only a batch of them at a time
    /// (about 295 KB per 2048-d image, so the default, 64 GiB, is some 230,000 images per request).
    /// </summary>
    [Range(1024, 1L << 50)]
    public long MaxImportBytes { get; set; } = 64L << 30;

    /// <summary>Most images or captions in one add.</summary>
    [Range(1, 100_000)]
    public int MaxItemsPerRequest { get; set; } = 1000;

    /// <summary>Most queries in one search.</summary>
    [Range(1, 10_000)]
    public int MaxQueriesPerRequest { get; set; } = 64;

    [Range(1, 100_000)]
    public int MaxK { get; set; } = 1000;

    /// <summary>Longest caption or text query, in characters.</summary>
    [Range(1, 100_000)]
    public int MaxTextLength { get; set; } = 1000;

    [Range(1, 1_000_000)]
    public int MaxCandidateIds { get; set; } = 10_000;

    /// <summary>Largest metadata object, in UTF-8 bytes of its JSON.</summary>
    [Range(2, 1024 * 1024)]
    public int MaxMetadataBytes { get; set; } = 4096;

    /// <summary>Largest page of a list.</summary>
    [Range(1, 100_000)]
    public int MaxPageSize { get; set; } = 1000;

    /// <summary>
    /// Most pixels (width × height) a picture's header may declare; larger ones are refused before any pixel memory is
    /// taken (a small file can declare a huge canvas). 40 MP: a 7,300 × 5,500 photo.
    /// </summary>
    [Range(1, 1_000_000_000)]
    public long MaxPicturePixels { get; set; } = 40_000_000;

    /// <summary>Largest picture file added to the gallery, in bytes (20 MiB).</summary>
    [Range(1024, 1L << 30)]
    public long MaxPictureBytes { get; set; } = 20L << 20;

    /// <summary>
    /// Largest picture a search or an explanation may send (base64 in its JSON), in bytes: searches need no key, and the
    /// encoder sees 224 × 224 pixels of it anyway (8 MiB; at most MaxPictureBytes).
    /// </summary>
    [Range(1024, 1L << 30)]
    public long MaxSearchPictureBytes { get; set; } = 8L << 20;

    /// <summary>The limits a picture added to the gallery is held to.</summary>
    public PictureLimits PictureLimits => new() { MaxPixels = MaxPicturePixels, MaxBytes = MaxPictureBytes };

    /// <summary>The limits a picture sent with a search or an explanation is held to.</summary>
    public PictureLimits SearchPictureLimits => new() { MaxPixels = MaxPicturePixels, MaxBytes = Math.Min(MaxSearchPictureBytes, MaxPictureBytes) };
}

/// <summary>
/// Pictures: how the bundle's picture encoder runs (when the bundle has one), and the copy of each picture added that
/// the gallery keeps to show it (GET /images/{id}/picture).
/// </summary>
public sealed class PictureOptions
{
    /// <summary>The largest <see cref="StoredSide"/> allowed: what a shard accepts of a stored picture whatever its own setting.</summary>
    public const int MaxStoredSide = 4096;

    /// <summary>
    /// ONNX Runtime threads per picture encoder call; 0 lets ONNX Runtime choose. One (the default) with the core
    /// budget's share of calls side by side, as scoring does: a batch is split into that many chunks.
    /// </summary>
    [Range(0, 1024)]
    public int IntraOpThreads { get; set; } = 1;

    /// <summary>Pictures per encoder call, and pictures of a multipart upload encoded and added together.</summary>
    [Range(1, 256)]
    public int BatchSize { get; set; } = 16;

    /// <summary>Uploads and searches that may wait for a turn to decode or encode pictures; beyond, 503 with Retry-After.</summary>
    [Range(1, 100_000)]
    public int QueueCapacity { get; set; } = 64;

    /// <summary>
    /// The longest side of the copy kept of each picture added, in pixels (never scaled up). 1024 shows well in the
    /// page and costs about 100–200 KB per photo at the default quality (docs/benchmarks.md, "Stored pictures").
    /// </summary>
    [Range(64, MaxStoredSide)]
    public int StoredSide { get; set; } = 1024;

    /// <summary>JPEG quality (1–100) of the copy kept of each picture added.</summary>
    [Range(1, 100)]
    public int StoredQuality { get; set; } = 80;
}

public sealed class BatchingOptions
{
    /// <summary>Gather concurrent searches into shared scoring batches; off runs each request on its own.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Queries per batch (a request weighs its number of queries).</summary>
    [Range(1, 100_000)]
    public int MaxBatchSize { get; set; } = 64;

    /// <summary>How long a batch's first request waits for company.</summary>
    [Range(0, 10_000)]
    public double MaxWaitMilliseconds { get; set; } = 2;

    /// <summary>Requests that may wait; beyond, 503 with Retry-After.</summary>
    [Range(1, 1_000_000)]
    public int QueueCapacity { get; set; } = 256;

    /// <summary>
    /// Batches of one direction that may run at once; 0 (the default): one per processor. One at a time leaves cores
    /// idle while a batch runs its single-threaded steps (query encoding, the shortlist scan, top k); side by side, the
    /// batches share the cores through the search engine's core budget instead of each taking them all.
    /// </summary>
    [Range(0, 1024, ErrorMessage = "Sgraf:Batching:MaxConcurrentBatches must be 0 (one per processor) or a count of batches from 1 to {2}")]
    public int MaxConcurrentBatches { get; set; }

    /// <summary>
    /// Whether shortlist searches go through the batcher too. Off (the default): they share no scoring call, and the
    /// batcher cost them 9–15% of their QPS at 1–4 clients (docs/benchmarks.md); they run side by side instead, as many
    /// as MaxConcurrentBatches, with QueueCapacity waiting (beyond: 503 with Retry-After).
    /// </summary>
    public bool BatchShortlistSearches { get; set; }
}

/// <summary>
/// How searches use the bundle's shortlist head (if it has one): mode "auto" ranks by the head first, then scores only
/// the best candidates exactly, when a search covers more than <see cref="ShortlistAbove"/> items.
/// </summary>
public sealed class SearchOptions
{
    /// <summary>Mode "auto" shortlists when the items searched (gallery items of the direction, or candidate ids) are more than this.</summary>
    [Range(0, int.MaxValue)]
    public int ShortlistAbove { get; set; } = 1000;

    /// <summary>Candidates reranked exactly per query when a request gives no "shortlist".</summary>
    [Range(1, int.MaxValue)]
    public int DefaultShortlist { get; set; } = 200;

    /// <summary>Largest "shortlist" a request may ask for (at least <see cref="DefaultShortlist"/>).</summary>
    [Range(1, int.MaxValue)]
    public int MaxShortlist { get; set; } = 5000;
}

public sealed class QueryCacheOptions
{
    /// <summary>Budget of cached text-query embeddings, in floats (4 bytes each). 0 turns the cache off.</summary>
    [Range(0, long.MaxValue)]
    public long SizeLimitFloats { get; set; } = 16L * 1024 * 1024;
}

public sealed class RuntimeOptions
{
    /// <summary>
    /// Cpu, Cuda, or Auto (the default): CUDA when ONNX Runtime's CUDA provider loads and the device starts, else the CPU.
    /// A CUDA request that cannot run here runs on the CPU with a warning naming why (e.g. the missing CUDA library).
    /// </summary>
    [EnumDataType(typeof(DeviceRequest))]
    public DeviceRequest Device { get; set; } = DeviceRequest.Auto;

    [Range(0, 1024)]
    public int CudaDeviceId { get; set; }

    /// <summary>
    /// ONNX Runtime threads per call; 0 lets ONNX Runtime choose (one per core). One, with a score chunk per core side by
    /// side, is the default: it was faster for the calls a search makes, one caption's encoding (14 ms vs 26–38 ms) and one
    /// query's exact rerank of 200 full-size images (56 ms vs 181 ms with ONNX Runtime's choice), on 2 cores.
    /// </summary>
    [Range(0, 1024)]
    public int IntraOpThreads { get; set; } = 1;

    /// <summary>Score chunks run side by side; 0 (the default): one per processor.</summary>
    [Range(0, 1024)]
    public int ScoreParallelism { get; set; }

    public SgrafRuntimeOptions ToRuntimeOptions() => new()
    {
        Device = Device,
        CudaDeviceId = CudaDeviceId,
        IntraOpThreads = IntraOpThreads,
        ScoreParallelism = ScoreParallelism == 0 ? Environment.ProcessorCount : ScoreParallelism,
    };
}
