using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Sgraf.TestSupport;

namespace Sgraf.Api.Tests.Service;

/// <summary>
/// The real service in-process (real bundle, real ONNX Runtime, real gallery log in a temp folder), without the demo
/// gallery. Settings can be overridden per factory; <see cref="CreateReadyClientAsync"/> waits for start-up.
/// </summary>
public class SgrafServiceFactory : WebApplicationFactory<Program>
{
    public const string ApiKey = ServiceProcess.ApiKey;

    readonly Dictionary<string, string?> settings;
    readonly TempDirectory? ownedData;

    public SgrafServiceFactory() : this(new Dictionary<string, string?>()) { }

    public SgrafServiceFactory(IDictionary<string, string?> overrides, string? dataDirectory = null)
    {
        if (dataDirectory is null)
        {
            ownedData = new TempDirectory();
            dataDirectory = ownedData.Path;
        }
        DataDirectory = dataDirectory;
        settings = new Dictionary<string, string?>
        {
            ["Sgraf:BundleDirectory"] = BundlePath,
            ["Sgraf:DataDirectory"] = dataDirectory,
            ["Sgraf:DemoGallery:Enabled"] = "false",
            ["Sgraf:ApiKeys:0"] = ApiKey,
            ["Sgraf:Runtime:IntraOpThreads"] = "1",
        };
        foreach (var (key, value) in overrides) settings[key] = value;
    }

    public static string BundlePath => ServiceProcess.BundlePath;

    public string DataDirectory { get; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in settings) builder.UseSetting(key, value);
    }

    public async Task<HttpClient> CreateReadyClientAsync()
    {
        var client = CreateClient();
        // Generous: building the picture bundle's encoder from its package takes seconds alone, far longer on a busy machine.
        var deadline = DateTime.UtcNow.AddSeconds(180);
        while (true)
        {
            using var response = await client.GetAsync("/health/ready");
            if (response.IsSuccessStatusCode) break;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"not ready: {await response.Content.ReadAsStringAsync()}");
            await Task.Delay(50);
        }
        client.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);
        return client;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        ownedData?.Dispose();
    }
}
