using System.Globalization;
using System.Text.Json;

namespace Sgraf.Training.Tests.Cli;

/// <summary><c>sgraf bench-train</c> at tiny sizes: it takes real training steps and reports captions/s (no timing is asserted).</summary>
public sealed class BenchTrainCommandTests : IDisposable
{
    readonly TempDirectory work = new();

    public void Dispose() => work.Dispose();

    [Theory]
    [InlineData("sgr", "2", false)]
    [InlineData("saf", "1", true)]
    public void Bench_train_prints_captions_per_second_and_writes_its_json(string module, string threads, bool plain)
    {
        var json = work.File($"{module}.json");
        string[] arguments = ["bench-train", "--model", module, "--img-dim", "8", "--word-dim", "8", "--embed-size", "16",
            "--sim-dim", "8", "--batch-size", "6", "--words", "5", "--threads", threads, "--steps", "2", "--json", json];
        var result = ToolProcess.Run("sgraf", plain ? [.. arguments, "--plain-step"] : arguments);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("6 captions of 5 tokens per step", result.StandardOutput);
        var last = result.StandardOutput.TrimEnd().Split('\n')[^1];
        Assert.EndsWith("captions/s", last);
        Assert.Contains(plain ? "plain step" : "fast step", last);
        var rate = double.Parse(last.Split(' ')[^2], CultureInfo.InvariantCulture);

        using var report = JsonDocument.Parse(File.ReadAllText(json));
        var root = report.RootElement;
        Assert.Equal(module.ToUpperInvariant(), root.GetProperty("model").GetString());
        Assert.Equal(int.Parse(threads, CultureInfo.InvariantCulture), root.GetProperty("threads").GetInt32());
        Assert.Equal(plain, root.GetProperty("plain_step").GetBoolean());
        Assert.Equal(2, root.GetProperty("seconds_per_step").GetArrayLength());
        var seconds = root.GetProperty("mean_seconds_per_step").GetDouble();
        Assert.True(seconds > 0, $"mean step time {seconds}");
        Assert.Equal(6 / seconds, root.GetProperty("captions_per_second").GetDouble(), 6);
        Assert.Equal(rate, root.GetProperty("captions_per_second").GetDouble(), 0.01);
    }

    [Theory]
    [InlineData(null, "1")]
    [InlineData("2", "2")]
    public void Training_commands_run_with_one_malloc_arena_unless_the_user_chose(string? given, string expected)
    {
        // The restart (execve) happens before the command runs; the command reports the environment it ran in.
        var json = work.File("arena.json");
        var result = ToolProcess.Run("sgraf", new Dictionary<string, string?> { ["MALLOC_ARENA_MAX"] = given },
            "bench-train", "--model", "sgr", "--img-dim", "8", "--word-dim", "8", "--embed-size", "16", "--sim-dim", "8",
            "--batch-size", "4", "--words", "4", "--threads", "2", "--steps", "1", "--json", json);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"MALLOC_ARENA_MAX {expected}", result.StandardOutput);
        using var report = JsonDocument.Parse(File.ReadAllText(json));
        Assert.Equal(expected, report.RootElement.GetProperty("malloc_arena_max").GetString());
    }

    [Fact]
    public void Bench_train_refuses_bad_options_with_a_clear_message()
    {
        ToolProcess.AssertCleanFailure(ToolProcess.Run("sgraf", "bench-train", "--model", "xyz"), "--model");
        ToolProcess.AssertCleanFailure(ToolProcess.Run("sgraf", "bench-train", "--model", "sgr", "--batch-size", "1"), "--batch-size");
        ToolProcess.AssertCleanFailure(ToolProcess.Run("sgraf", "bench-train", "--model", "saf", "--words", "1"), "--words");
    }
}
