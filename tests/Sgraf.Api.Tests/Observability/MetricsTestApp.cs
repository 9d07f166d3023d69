using System.Runtime.ExceptionServices;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sgraf.Api.Observability;

namespace Sgraf.Api.Tests.Observability;

/// <summary>
/// A small app on TestServer wired as the service is: the service's metrics, request metrics, the exception handler,
/// routing, then endpoints and <c>GET /metrics</c>. Tests record through the app's own instruments and read them back by scraping.
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
        app.UseRequestMetrics();
        // As the service's: it answers the exceptions it knows (a shed search: 503) and lets others escape.
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            ExceptionHandler = context =>
            {
                var error = context.Features.Get<IExceptionHandlerFeature>()!.Error;
                if (error is not ShedException) ExceptionDispatchInfo.Throw(error);
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                return Task.CompletedTask;
            },
        });
        app.UseRouting();
        app.MapGet("/items/{id}", (int id) => TypedResults.Ok(id));
        app.MapGet("/teapot", () => TypedResults.StatusCode(StatusCodes.Status418ImATeapot));
        app.MapGet("/fails", string () => throw new InvalidOperationException("The handler failed."));
        app.MapGet("/shed", string () => throw new ShedException());
        app.MapMetrics();
        await app.StartAsync();
        return new MetricsTestApp(app);
    }

    /// <summary>What a handler throws to shed a request, as the service's full queue does.</summary>
    public sealed class ShedException : Exception;

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.DisposeAsync();
    }
}
