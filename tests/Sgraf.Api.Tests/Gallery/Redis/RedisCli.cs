using System.Diagnostics;

namespace Sgraf.Api.Tests.Gallery.Redis;

/// <summary>redis-cli, as an operator (or an intruder with the password) would write to Redis behind the service's back.</summary>
internal static class RedisCli
{
    /// <summary>Appends an entry whose field <c>frames</c> holds <paramref name="value"/> (sent on stdin with -x) to <paramref name="stream"/>; returns its id.</summary>
    public static async Task<string> AddEntryAsync(int port, string password, string stream, byte[] value)
    {
        var start = new ProcessStartInfo("redis-cli")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { "-p", port.ToString(), "-x", "XADD", stream, "*", "frames" }) start.ArgumentList.Add(argument);
        // The password through the environment, not the command line.
        start.Environment["REDISCLI_AUTH"] = password;
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not run redis-cli");
        await process.StandardInput.BaseStream.WriteAsync(value);
        process.StandardInput.Close();
        string output = (await process.StandardOutput.ReadToEndAsync()).Trim();
        string errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0 && System.Text.RegularExpressions.Regex.IsMatch(output, @"^\d+-\d+$"),
            $"redis-cli XADD exited with {process.ExitCode}: {output} {errors}");
        return output;
    }
}
