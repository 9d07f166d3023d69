using Sgraf.TestSupport;

namespace Sgraf.Api.Tests.RealProcess;

/// <summary>
/// The standard ASP.NET Core settings say where the service listens; nothing in appsettings.json overrides them (it used
/// to set "Urls", so ASPNETCORE_URLS=http://127.0.0.1:5401 was ignored and the service took localhost:5000).
/// </summary>
public sealed class HostingSettingsTests
{
    [Theory]
    [InlineData(false)] // ASPNETCORE_URLS=http://127.0.0.1:<port>
    [InlineData(true)] // ASPNETCORE_HTTP_PORTS=<port>, as the container image sets it
    public async Task The_service_listens_where_the_standard_hosting_variable_says(bool portOnly)
    {
        using var data = new TempDirectory();
        using var service = ServiceProcess.Start(data.Path, portOnly: portOnly);
        await service.WaitReadyAsync(TimeSpan.FromSeconds(60));

        var listening = service.Output.Split('\n').Where(line => line.Contains("Now listening on:", StringComparison.Ordinal)).ToArray();
        Assert.NotEmpty(listening);
        int port = new Uri(service.Url).Port;
        Assert.All(listening, line => Assert.EndsWith($":{port}", line.TrimEnd()));
    }
}
