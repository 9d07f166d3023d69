namespace Sgraf.Api.Routing;

/// <summary>
/// An endpoint that reads its body itself, as bytes of <see cref="ContentType"/>, for the OpenAPI description: without
/// it the document shows no request body, and a client generated from it has no way to send one. Not IAcceptsMetadata,
/// which routing would enforce with its own 415 before the endpoint can say what it expects.
/// </summary>
public sealed record RawBody(string ContentType);

public static class RawBodies
{
    /// <summary>Describes the endpoint's body as bytes of <paramref name="contentType"/> (the endpoint checks the type itself).</summary>
    public static RouteHandlerBuilder WithRawBody(this RouteHandlerBuilder builder, string contentType) =>
        builder.WithMetadata(new RawBody(contentType));
}
