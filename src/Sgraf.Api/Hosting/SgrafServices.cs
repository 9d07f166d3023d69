using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using Sgraf.Api.Configuration;
using Sgraf.Api.Demo;
using Sgraf.Api.Errors;
using Sgraf.Api.Gallery;
using Sgraf.Api.Gallery.Index;
using Sgraf.Api.Health;
using Sgraf.Api.Search;
using Sgraf.Api.Security;
using Sgraf.Api.Validation;
using Sgraf.Inference.Runtime;

namespace Sgraf.Api.Hosting;

/// <summary>The service's parts, registered once: options, runtime, gallery, search, errors.</summary>
public static class SgrafServices
{
    public static WebApplicationBuilder AddSgrafOptions(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<SgrafServiceOptions>()
            .Bind(builder.Configuration.GetSection(SgrafServiceOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<IPostConfigureOptions<SgrafServiceOptions>, SgrafServiceOptionsSetup>();
        builder.Services.AddSingleton<IValidateOptions<SgrafServiceOptions>, SgrafServiceOptionsValidator>();

        // Kestrel enforces body limits while reading, so a client cannot make us buffer more than them. Every request gets
        // the small search limit; routes that take more say so (Routing/BodyLimits.cs), and routing applies it before
        // anything reads the body.
        builder.Services.AddOptions<KestrelServerOptions>().Configure<IOptions<SgrafServiceOptions>>(
            (kestrel, sgraf) => kestrel.Limits.MaxRequestBodySize = sgraf.Value.Limits.MaxSearchBodyBytes);
        builder.Services.AddSingleton<ApiKeys>();
        return builder;
    }

    public static IServiceCollection AddSgrafGallery(this IServiceCollection services)
    {
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<SgrafServiceOptions>>().Value;
            return SgrafRuntime.Open(options.BundleDirectory, options.Runtime.ToRuntimeOptions(), sp.GetRequiredService<ILogger<SgrafRuntime>>());
        });
        services.AddSingleton(sp => new EmbeddingCodec(sp.GetRequiredService<SgrafRuntime>().Bundle));
        services.AddSingleton<GalleryIndexFactory>();
        services.AddSingleton(sp => sp.GetRequiredService<GalleryIndexFactory>().Create());
        services.AddSingleton<GalleryStoreHolder>();
        services.AddSingleton<GalleryStoreFactory>();
        services.AddSingleton<GalleryWriter>();
        services.AddSingleton<IGalleryWriter>(sp => sp.GetRequiredService<GalleryWriter>());
        services.AddSingleton<IGalleryCatalog, LocalGalleryCatalog>();
        services.AddSingleton<MemoryRelease>();
        services.AddSingleton<ServiceReadiness>();
        services.AddSingleton<DemoGallerySeeder>();
        services.AddSingleton(sp =>
        {
            var runtime = sp.GetRequiredService<SgrafRuntime>();
            return new RequestRules(sp.GetRequiredService<IOptions<SgrafServiceOptions>>().Value.Limits, runtime.Bundle.ImgDim);
        });
        services.AddSingleton(sp =>
        {
            var runtime = sp.GetRequiredService<SgrafRuntime>();
            return new SearchRules(sp.GetRequiredService<IOptions<SgrafServiceOptions>>().Value.Search, runtime.Shortlist is not null, runtime.Modules);
        });
        services.AddHostedService<GalleryStartup>();
        return services;
    }

    public static IServiceCollection AddSgrafSearch(this IServiceCollection services)
    {
        services.AddSingleton<QueryEmbeddingCache>();
        services.AddSingleton<ExactScorer>();
        services.AddSingleton<ShortlistSearch>();
        services.AddSingleton<SearchEngine>();
        services.AddSingleton<SearchedItems>();
        services.AddSingleton<SearchAdmission>();
        services.AddSingleton<SearchDispatcher>();
        services.AddSingleton<ISearchService>(sp => sp.GetRequiredService<SearchDispatcher>());
        services.AddSingleton<PairExplainer>();
        return services;
    }

    public static IServiceCollection AddSgrafProblems(this IServiceCollection services)
    {
        // Kestrel and the framework answer some errors themselves with an empty body (UseStatusCodePages fills it).
        services.AddProblemDetails(options => options.CustomizeProblemDetails = StatusCodeProblems.DescribeTooLarge);
        services.AddExceptionHandler<ProblemExceptionHandler>();
        // Body binding failures (malformed JSON, oversize) become exceptions the handler turns into problem details.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        return services;
    }

}

/// <summary>Gallery sizes for /metrics, read from the index at scrape time.</summary>
public static class GalleryMetrics
{
    public static WebApplication ObserveGallerySize(this WebApplication app)
    {
        var index = app.Services.GetRequiredService<GalleryIndex>();
        app.Services.GetRequiredService<Sgraf.Api.Observability.GallerySizeMetrics>()
            .ReadFrom(() => (index.Current.Images.Count, index.Current.Captions.Count));
        return app;
    }

    public static WebApplication ObserveRuntimeDevice(this WebApplication app)
    {
        var runtime = app.Services.GetRequiredService<SgrafRuntime>();
        app.Services.GetRequiredService<Sgraf.Api.Observability.RuntimeDeviceMetrics>().ReadFrom(() => runtime.Device);
        return app;
    }
}
