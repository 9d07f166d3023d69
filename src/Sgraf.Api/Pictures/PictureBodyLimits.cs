using Sgraf.Api.Routing;
using Sgraf.Api.Validation;

namespace Sgraf.Api.Pictures;

/// <summary>
/// The body limits of the routes that take pictures. Searches and explanations by picture need no key, so their
/// limit is raised only for a bundle with a picture encoder, and only by one picture of Sgraf:Limits:MaxSearchPictureBytes
/// in base64 (8 MiB: 10.7 MiB more); multipart uploads take the write limit, as JSON adds do.
/// </summary>
public static class PictureBodyLimits
{
    public static TBuilder WithPictureSearchBodyLimit<TBuilder>(this TBuilder builder, IServiceProvider services) where TBuilder : IEndpointConventionBuilder
    {
        if (!services.GetRequiredService<PicturePipeline>().HasEncoder) return builder;
        var rules = services.GetRequiredService<RequestRules>();
        return builder.WithBodyLimit(rules.SearchBodyBytes + 4 * ((rules.Limits.MaxSearchPictureBytes + 2) / 3), "Sgraf:Limits:MaxSearchPictureBytes");
    }
}
