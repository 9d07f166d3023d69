using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Sgraf.Inference;
using Sgraf.Inference.Pictures;

namespace Sgraf.Training.Cli;

/// <summary>
/// <c>sgraf bench-pictures</c>: picture encoding throughput, photos/s, on photo files. Three figures from one run, side
/// by side: decoding alone (file → encoder input), encoding alone (pre-decoded inputs through ONNX Runtime) and the
/// two together as extract-features runs them (<see cref="PictureFileEncoder"/>: decoding the next batches while the
/// encoder runs). Each after a warm-up batch, each with the process's CPU seconds per photo, which a machine shared
/// with other work changes less than the wall clock.
/// </summary>
internal static class BenchPicturesCommand
{
    public static Command Create()
    {
        var pictures = new Option<string>("--pictures") { Description = "Folder of JPEG/PNG/WebP photos", Required = true };
        var count = new Option<int>("--count") { Description = "Photos per measurement, taken in name order, repeated if the folder has fewer (256)", DefaultValueFactory = _ => 256 };
        var decodeThreads = new Option<int>("--decode-threads") { Description = "Threads that decode while the encoder runs (1)", DefaultValueFactory = _ => 1 };
        var encoder = new PictureEncoderChoice();
        var command = new Command("bench-pictures", "Picture encoding throughput (photos/s): decoding, encoding, and both pipelined")
        {
            pictures, count, decodeThreads,
        };
        encoder.AddTo(command);
        command.SetAction(parse => CommandRunner.Run(() =>
        {
            var folder = parse.GetValue(pictures)!;
            int n = parse.GetValue(count), threads = parse.GetValue(decodeThreads);
            if (n <= 0) throw new InvalidInputException($"--count must be at least 1, not {n}");
            if (threads <= 0) throw new InvalidInputException($"--decode-threads must be at least 1, not {threads}");
            if (!Directory.Exists(folder)) throw InvalidInputException.InFile(folder, "no such folder");
            var available = Directory.GetFiles(folder).Where(f => HasPictureExtension(f)).Order(StringComparer.Ordinal).ToArray();
            if (available.Length == 0) throw InvalidInputException.InFile(folder, "no .jpg, .jpeg, .png or .webp files here");
            var files = Enumerable.Range(0, n).Select(i => available[i % available.Length]).ToArray();

            using var pictureEncoder = encoder.Open(parse);
            var limits = PictureLimits.Default;
            int bytes = pictureEncoder.InputBytes, warmUp = Math.Min(n, pictureEncoder.BatchSize);
            var pixels = new byte[(long)n * bytes];
            Decode(files.AsSpan(0, warmUp), pixels, bytes, pictureEncoder.InputSize, limits);
            var decoding = Measure(n, () => Decode(files, pixels, bytes, pictureEncoder.InputSize, limits));
            pictureEncoder.Encode(pixels.AsSpan(0, warmUp * bytes), warmUp);
            var encoding = Measure(n, () => pictureEncoder.Encode(pixels, n));
            var pipeline = new PictureFileEncoder(pictureEncoder, limits, threads);
            var both = Measure(n, () => { foreach (var _ in pipeline.Encode(files)) { } });

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{n} photos from {folder} ({available.Length} files), batches of {pictureEncoder.BatchSize}, on {pictureEncoder.Device}, {Environment.ProcessorCount} cores, " +
                $"ONNX Runtime intra-op threads {(parse.GetValue(encoder.Threads) is var t and > 0 ? t.ToString(CultureInfo.InvariantCulture) : "default")}, {threads} decode thread(s)"));
            Report("decoding alone", decoding);
            Report("encoding alone", encoding);
            Report("decode + encode", both);
            return CommandRunner.Success;
        }));
        return command;
    }

    static bool HasPictureExtension(string path) =>
        Path.GetExtension(path).ToLowerInvariant() is ".jpg" or ".jpeg" or ".png" or ".webp";

    static void Decode(ReadOnlySpan<string> files, byte[] pixels, int bytes, int size, PictureLimits limits)
    {
        for (int i = 0; i < files.Length; i++)
            PictureInput.Write(File.ReadAllBytes(files[i]), limits, size, pixels.AsSpan(i * bytes, bytes));
    }

    sealed record Measurement(int Photos, TimeSpan Wall, TimeSpan Cpu);

    static Measurement Measure(int photos, Action work)
    {
        var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        work();
        clock.Stop();
        process.Refresh();
        return new Measurement(photos, clock.Elapsed, process.TotalProcessorTime - cpu);
    }

    static void Report(string what, Measurement m) => Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{what,-16} {m.Wall.TotalSeconds,7:0.00} s wall, {m.Cpu.TotalMilliseconds / m.Photos,6:0.0} ms CPU per photo, {m.Photos / m.Wall.TotalSeconds,7:0.0} photos/s"));
}
