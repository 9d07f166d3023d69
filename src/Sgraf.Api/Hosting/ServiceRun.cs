using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Connections;

namespace Sgraf.Api.Hosting;

/// <summary>
/// Runs the service until it stops. An address another process already listens on ends it with one line that names the
/// address and how to choose another, and exit code 1, instead of the host's "Hosting failed to start" with its stack
/// trace and the runtime's abort (exit 134) with it again: the user's fix is a setting, not in the trace.
/// </summary>
public static partial class ServiceRun
{
    public const int AddressInUseExitCode = 1;

    public static int RunService(this WebApplication app)
    {
        try
        {
            app.Run();
            return Environment.ExitCode;
        }
        catch (IOException e) when (IsAddressInUse(e))
        {
            // No start-up work ran: it waits for the server to listen (ServerListening).
            LogAddressInUse(app.Logger, Address(e) ?? string.Join(", ", app.Urls));
            return AddressInUseExitCode;
        }
    }

    /// <summary>Kestrel's failure to bind because another process holds the address (said by <see cref="RunService"/>, so not logged again).</summary>
    public static bool IsAddressInUse(Exception? exception) => exception is IOException { InnerException: AddressInUseException };

    // Kestrel names the address only in its message: "Failed to bind to address http://127.0.0.1:5000: address already in use."
    static string? Address(IOException exception) => AddressInMessage().Match(exception.Message) is { Success: true } match ? match.Groups[1].Value : null;

    [GeneratedRegex(@"address (\S+): address already in use", RegexOptions.IgnoreCase)]
    private static partial Regex AddressInMessage();

    [LoggerMessage(Level = LogLevel.Critical, Message = "Cannot listen on {Address}: another process is listening there. Stop it, or choose another address: "
        + "--urls http://localhost:5001 (with dotnet run: dotnet run --project src/Sgraf.Api -- --urls http://localhost:5001) or ASPNETCORE_URLS=http://localhost:5001")]
    static partial void LogAddressInUse(ILogger logger, string address);
}
