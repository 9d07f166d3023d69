namespace Sgraf.Api.Health;

/// <summary>Refuses gallery and search requests with 503 until start-up has restored the gallery.</summary>
public sealed class ReadyFilter(ServiceReadiness readiness) : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        readiness.ThrowIfNotReady();
        return next(context);
    }
}
