using System.Net.Sockets;
using Sgraf.Api.Hosting;
using Sgraf.TestSupport;

namespace Sgraf.Api.Tests.RealProcess;

/// <summary>
/// The standard ASP.NET Core settings say where the service listens; nothing in appsettings.json or the launch profile
/// overrides them (appsettings.json used to set "Urls", and launchSettings.json's applicationUrl still won under
/// <c>dotnet run</c>, so ASPNETCORE_URLS was ignored and the service took localhost:5000).
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
        AssertListensOnlyOn(service);
    }

    [Theory]
    [InlineData(false)] // ASPNETCORE_URLS=http://127.0.0.1:<port> dotnet run --project src/Sgraf.Api
    [InlineData(true)] // dotnet run --project src/Sgraf.Api -- --urls http://127.0.0.1:<port>
    public async Task Under_dotnet_run_the_variable_and_the_urls_argument_choose_the_address(bool urlsArgument)
    {
        using var data = new TempDirectory();
        using var service = ServiceProcess.StartWithDotnetRun(data.Path, urlsArgument);
        await service.WaitReadyAsync(TimeSpan.FromSeconds(90));
        AssertListensOnlyOn(service);
    }

    [Fact]
    public void An_address_in_use_ends_the_service_with_one_line_naming_it_and_how_to_choose_another()
    {
        using var holder = new TcpListener(System.Net.IPAddress.Loopback, 0);
        holder.Start();
        string address = $"http://127.0.0.1:{((System.Net.IPEndPoint)holder.LocalEndpoint).Port}";
        using var data = new TempDirectory();
        using var service = ServiceProcess.Start(data.Path, new Dictionary<string, string> { ["ASPNETCORE_URLS"] = address });

        Assert.True(service.WaitForExit(TimeSpan.FromSeconds(60)), $"the service did not exit:\n{service.Output}");
        Assert.Equal(ServiceRun.AddressInUseExitCode, service.ExitCode);
        var lines = service.Output.Split('\n');
        var said = Assert.Single(lines, line => line.Contains("Cannot listen on", StringComparison.Ordinal));
        Assert.Contains(address, said);
        Assert.Contains("--urls", said);
        Assert.Contains("ASPNETCORE_URLS", said);
        Assert.DoesNotContain(lines, line => line.StartsWith("   at ", StringComparison.Ordinal));
        Assert.DoesNotContain("Hosting failed to start", service.Output);
    }

    static void AssertListensOnlyOn(ServiceProcess service)
    {
        var listening = service.Output.Split('\n').Where(line => line.Contains("Now listening on:", StringComparison.Ordinal)).ToArray();
        Assert.NotEmpty(listening);
        int port = new Uri(service.Url).Port;
        Assert.All(listening, line => Assert.EndsWith($":{port}", line.TrimEnd()));
    }
}
