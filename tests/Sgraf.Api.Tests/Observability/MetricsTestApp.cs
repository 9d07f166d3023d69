using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sgraf.Api.Observability;

namespace Sgraf.Api.Tests.Observability;

/// <summary>
/// A small app on TestServer wired as the service is: the service's metrics, routing, then request metrics, then
/// endpoints and <c>GET /metrics</c>. Tests record through the app's own instruments and read them back by scraping.
/// </summary>
internal sealed class MetricsTestApp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private MetricsTestApp(WebApplication app)
    {
        _app = app;
        Client = app.GetTestClient();
    }

    public HttpClient Client { get; }

    public T Get<T>() where T : notnull => _app.Services.GetRequiredService<T>();

    public IEnumerable<Endpoint> Endpoints => _app.Services.GetRequiredService<EndpointDataSource>().Endpoints;

    public Task<Exposition> ScrapeAsync() => Exposition.ScrapeAsync(Client);

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
