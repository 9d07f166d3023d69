using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sgraf.Api.Observability;

namespace Sgraf.Api.Tests.Observability;

/// <summary>A small app on TestServer wired as the service will be: routing, then request metrics, then endpoints.</summary>
internal sealed class MetricsTestApp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private MetricsTestApp(WebApplication app)
    {
        _app = app;
        Client = app.GetTestClient();
    }

    public HttpClient Client { get; }

    public ServiceMetrics Metrics => _app.Services.GetRequiredService<ServiceMetrics>();

    public IEnumerable<Endpoint> Endpoints => _app.Services.GetRequiredService<EndpointDataSource>().Endpoints;

    public static async Task<MetricsTestApp> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddServiceMetrics();

        var app = builder.Build();
        app.UseRouting();
        app.UseRequestMetrics();
        app.MapGet("/items/{id}", (int id) => TypedResults.Ok(id));
        app.MapGet("/teapot", () => TypedResults.StatusCode(StatusCodes.Status418ImATeapot));
        app.MapGet("/fails", string () => throw new InvalidOperationException("The handler failed."));
        app.MapMetrics();
        await app.StartAsync();
        return new MetricsTestApp(app);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.DisposeAsync();
    }
}
