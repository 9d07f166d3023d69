using Microsoft.Extensions.Options;
using Sgraf.Api.Configuration;
using Sgraf.Api.Search;
using Sgraf.Inference.Pictures;
using Sgraf.Inference.Runtime;

namespace Sgraf.Api.Pictures;

/// <summary>
/// Picture files → what the gallery and the searches take, through the bundle's picture encoder (opened at start by
/// <see cref="Open"/> when the bundle has one) and the one decoding path the tools use (<see cref="PictureInput"/>), so a
/// photo added here has the features `sgraf extract-features` gives it. Pictures share the cores with searches: each
/// decode and each encoder call is a search in flight of the service's <see cref="CoreBudget"/>, and an encoder call
/// splits its pictures into the budget's current share of chunks run side by side (on one ONNX Runtime thread each by
/// default, Sgraf:Pictures:IntraOpThreads), as a scoring call splits its pairs. How many run at once is bounded as for
/// shortlist searches, by a <see cref="SearchLane"/>: as many as the budget has cores, Sgraf:Pictures:QueueCapacity
/// waiting, and 503 with Retry-After beyond; so at most that many decoded pictures are in memory at once.
/// </summary>
public sealed partial class PicturePipeline(SgrafRuntime runtime, CoreBudget cores, IOptions<SgrafServiceOptions> options, ILogger<PicturePipeline> logger)
    : IDisposable
{
    readonly SearchLane lane = new(cores.Cores, options.Value.Pictures.QueueCapacity);
    readonly PictureOptions settings = options.Value.Pictures;
    readonly PictureLimits limits = options.Value.Limits.PictureLimits;
    readonly PictureLimits searchLimits = options.Value.Limits.SearchPictureLimits;
    PictureEncoder? encoder;

    /// <summary>Whether the bundle has a picture encoder (its manifest's picture_encoder).</summary>
    public bool HasEncoder => runtime.Bundle.Manifest.PictureEncoder is not null;

    /// <summary>The encoder's grid: its regions are grid × grid cells of the picture.</summary>
    public int Grid => Encoder.Description.Grid;

    /// <summary>The encoder's square input: pictures are scaled to InputSize × InputSize, whole.</summary>
    public int InputSize => Encoder.InputSize;

    /// <summary>Pictures of an upload decoded at once (as many as the cores), and encoded per encoder call.</summary>
    public (int Decode, int Encode) Batch => (cores.Cores, settings.BatchSize);

    /// <summary>
    /// Start-up: opens the bundle's picture encoder (rebuilding it from its package when the bundle comes without the
    /// file) and runs it once, so the first upload does not pay for either. Nothing to do for a bundle without one.
    /// </summary>
    /// <exception cref="Inference.InvalidInputException">The encoder cannot be opened or rebuilt exactly; the message says why.</exception>
    public void Open()
    {
        if (!HasEncoder || encoder is not null) return;
        var runtimeSettings = options.Value.Runtime;
        var opened = PictureEncoder.Open(runtime.Bundle, new PictureEncoderOptions
        {
            Device = runtimeSettings.Device,
            CudaDeviceId = runtimeSettings.CudaDeviceId,
            IntraOpThreads = settings.IntraOpThreads,
            BatchSize = settings.BatchSize,
        }, logger);
        opened.Encode(new byte[opened.InputBytes], 1);
        encoder = opened;
        LogOpened(logger, opened.Device.ToString(), settings.IntraOpThreads, settings.BatchSize);
    }

    /// <summary>Refuses a picture (with 409 saying how to add an encoder) when the bundle has no picture encoder.</summary>
    /// <param name="path">Where the picture is in the request, for the answer.</param>
    public void ThrowIfNoEncoder(string path)
    {
        if (!HasEncoder) throw PictureRefusedException.NoEncoder(runtime.Bundle.Directory, path);
    }

    /// <summary>
    /// Decodes a picture being added to the gallery (Sgraf:Limits:MaxPictureBytes, MaxPicturePixels): the encoder's
    /// input, and the bounded copy kept to show it (Sgraf:Pictures:StoredSide, StoredQuality).
    /// </summary>
    /// <exception cref="InvalidPictureException">The file is not a picture Sgraf takes.</exception>
    public Task<PreparedPicture> PrepareAsync(byte[] file, CancellationToken cancellationToken)
    {
        var opened = Encoder;
        return lane.RunAsync(() =>
        {
            using var inFlight = cores.Enter();
            var pixels = new byte[opened.InputBytes];
            PictureInput.Write(file, limits, opened.InputSize, pixels);
            return new PreparedPicture(pixels, PictureCopy.Make(file, limits, settings.StoredSide, settings.StoredQuality));
        }, cancellationToken);
    }

    /// <summary>The region features of prepared pictures: pictures × 36 × img_dim floats, in their order.</summary>
    public Task<float[]> EncodeAsync(IReadOnlyList<PreparedPicture> pictures, CancellationToken cancellationToken) =>
        lane.RunAsync(() => Encode([.. pictures.Select(p => p.Pixels)]), cancellationToken);

    /// <summary>
    /// The region features (36 × img_dim) of a picture sent with a search or an explanation (at most
    /// Sgraf:Limits:MaxSearchPictureBytes); nothing of it is kept.
    /// </summary>
    /// <exception cref="InvalidPictureException">The file is not a picture Sgraf takes.</exception>
    public Task<float[]> QueryFeaturesAsync(byte[] file, CancellationToken cancellationToken)
    {
        var opened = Encoder;
        return lane.RunAsync(() =>
        {
            var pixels = new byte[opened.InputBytes];
            using (cores.Enter()) PictureInput.Write(file, searchLimits, opened.InputSize, pixels);
            return Encode([pixels]);
        }, cancellationToken);
    }

    PictureEncoder Encoder => encoder ?? throw (HasEncoder
        ? new InvalidOperationException("the picture encoder is opened at start-up; no picture is taken before the service is ready")
        : PictureRefusedException.NoEncoder(runtime.Bundle.Directory, "picture"));

    /// <summary>Encodes in the core budget's share of chunks, side by side; each chunk is one or more encoder calls of its own.</summary>
    float[] Encode(IReadOnlyList<byte[]> inputs)
    {
        var opened = Encoder;
        using var inFlight = cores.Enter();
        var features = new float[(long)inputs.Count * opened.FeatureCount];
        int chunks = Math.Min(cores.Share, inputs.Count);
        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = chunks }, chunk =>
        {
            int start = chunk * inputs.Count / chunks, count = (chunk + 1) * inputs.Count / chunks - start;
            var pixels = new byte[count * opened.InputBytes];
            for (int i = 0; i < count; i++) inputs[start + i].CopyTo(pixels, i * opened.InputBytes);
            opened.Encode(pixels, count, features.AsSpan(start * opened.FeatureCount, count * opened.FeatureCount));
        });
        return features;
    }

    public void Dispose() => encoder?.Dispose();

    [LoggerMessage(Level = LogLevel.Information, Message = "Picture encoder ready on {Device}: {Threads} ONNX Runtime thread(s) per call (0: its choice), batches of {BatchSize}")]
    static partial void LogOpened(ILogger logger, string device, int threads, int batchSize);
}
