using Sgraf.TestSupport;

namespace Sgraf.LoadTest.Tests.Cli;

/// <summary>
/// The built service as a real process (<see cref="ServiceProcess"/>) with an empty gallery in a temp folder of its
/// own, ready, for the sgraf verbs that talk to a service.
/// </summary>
internal sealed class RunningService : IDisposable
{
    public const string ApiKey = ServiceProcess.ApiKey;

    readonly ServiceProcess process;
    readonly TempDirectory data;

    RunningService(ServiceProcess process, TempDirectory data) => (this.process, this.data) = (process, data);

    public string Url => process.Url;

    public static async Task<RunningService> StartAsync(IDictionary<string, string>? settings = null)
    {
        var data = new TempDirectory();
        var service = new RunningService(ServiceProcess.Start(data.Path, settings), data);
        try
        {
            await service.process.WaitReadyAsync(TimeSpan.FromSeconds(180));   // the picture bundle's encoder is built at start
            return service;
        }
        catch
        {
            service.Dispose();
            throw;
        }
    }

    public HttpClient Client() => process.Client();

    public void Dispose()
    {
        process.Dispose();
        data.Dispose();
    }
}
