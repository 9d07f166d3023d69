using System.Diagnostics;
using Xunit;

namespace Sgraf.TestSupport;

/// <summary>Runs one of our command-line tools (<c>sgraf</c>, <c>sgraf-load</c>; built next to the tests) as a child process, as a user would.</summary>
internal static class ToolProcess
{
    public sealed record Result(int ExitCode, string StandardOutput, string StandardError)
    {
        public override string ToString() => $"exit {ExitCode}\nstdout:\n{StandardOutput}\nstderr:\n{StandardError}";
    }

    /// <param name="tool">The tool's assembly name, e.g. sgraf.</param>
    public static Result Run(string tool, params string[] arguments) =>
        RunAssembly(Path.Combine(AppContext.BaseDirectory, tool + ".dll"), arguments);

    /// <summary>Runs <paramref name="tool"/> with these environment variables changed (a null value removes one).</summary>
    public static Result Run(string tool, IReadOnlyDictionary<string, string?> environment, params string[] arguments) =>
        Start(Path.Combine(AppContext.BaseDirectory, tool + ".dll"), environment, arguments);

    /// <summary>Runs the program <paramref name="assembly"/> (a .dll built elsewhere, e.g. in another flavour) the same way.</summary>
    public static Result RunAssembly(string assembly, params string[] arguments) =>
        Start(assembly, new Dictionary<string, string?>(), arguments);

    static Result Start(string assembly, IReadOnlyDictionary<string, string?> environment, string[] arguments)
    {
        var tool = Path.GetFileNameWithoutExtension(assembly);
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var (name, value) in environment)
            if (value is null) start.Environment.Remove(name);
            else start.Environment[name] = value;
        start.ArgumentList.Add(assembly);
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{tool} {string.Join(' ', arguments)} did not finish in 5 minutes");
        }
        return new Result(process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>An expected failure: non-zero exit, one clear message naming <paramref name="mentions"/>, no stack trace.</summary>
    public static void AssertCleanFailure(Result result, params string[] mentions)
    {
        Assert.True(result.ExitCode != 0, result.ToString());
        Assert.DoesNotContain("   at ", result.StandardError);
        Assert.DoesNotContain("Unhandled exception", result.StandardError);
        foreach (var mention in mentions)
            Assert.True(result.StandardError.Contains(mention, StringComparison.Ordinal), $"stderr should mention '{mention}'\n{result}");
    }
}
