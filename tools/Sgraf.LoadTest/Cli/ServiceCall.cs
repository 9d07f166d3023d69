using System.Text.Json;
using Sgraf.Inference;

namespace Sgraf.LoadTest.Cli;

/// <summary>
/// Runs a command's work against a running service and turns what can go wrong on the wire into one
/// <see cref="InvalidInputException"/> line naming the service: the commands that talk to the service share it.
/// </summary>
internal static class ServiceCall
{
    public static int Run(Uri url, Func<int> work)
    {
        try
        {
            return work();
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            // "Error while copying content to a stream" says little; its inner exceptions say why (a reset, a refused key).
            // TaskCanceledException: HttpClient's timeout, the only cancellation here.
            var reasons = string.Join(": ", Causes(e).Select(c => c.Message).Distinct());
            throw new InvalidInputException($"{url}: {reasons}", e);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // An answer that is not JSON, or a field of another type than the contract's.
            throw new InvalidInputException($"{url}: unexpected answer from the service ({e.Message})", e);
        }
    }

    static IEnumerable<Exception> Causes(Exception e)
    {
        for (Exception? cause = e; cause is not null; cause = cause.InnerException) yield return cause;
    }
}
