using Microsoft.AspNetCore.Http.Metadata;

namespace Sgraf.Api.Routing;

/// <summary>
/// A route's request body limit, as endpoint metadata that routing applies (IRequestSizeLimitMetadata) before anything
/// reads the body: a Content-Length over it is answered 413 without reading a byte, a chunked body is cut off at it.
/// <see cref="Setting"/> names the setting that sets it, for the 413's detail.
/// </summary>
public sealed class BodyLimit(long bytes, string setting) : IRequestSizeLimitMetadata
{
    public long? MaxRequestBodySize => bytes;

    /// <summary>The setting that sets this limit: <c>Sgraf:Limits:MaxRequestBodyBytes</c>.</summary>
    public string Setting => setting;
}

public static class BodyLimits
{
    /// <summary>Sets the body limit of these endpoints to <paramref name="bytes"/>, from <paramref name="setting"/>.</summary>
    public static TBuilder WithBodyLimit<TBuilder>(this TBuilder builder, long bytes, string setting) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new BodyLimit(bytes, setting));
}
