namespace Sgraf.Api.Gallery;

/// <summary>The request needs the gallery, which is still being restored (or failed to); answered with 503 and Retry-After.</summary>
public sealed class ServiceNotReadyException(string reason) : Exception($"The service is not ready: {reason}.");
