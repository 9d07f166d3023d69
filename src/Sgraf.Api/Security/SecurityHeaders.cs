namespace Sgraf.Api.Security;

/// <summary>
/// Security headers on every response: the page, static files, Swagger UI, JSON and problem details (set as the
/// response starts, so also on what the exception handler writes). The Content-Security-Policy lets pages run only the
/// service's own scripts and styles and talk only to it; pictures may come from anywhere over http(s) or data: URLs,
/// since an item's metadata.url (set by key holders) is fetched by viewers' browsers; no page may be framed.
/// X-Frame-Options repeats frame-ancestors for older browsers; no Referer goes to the hosts pictures come from.
/// </summary>
public static class SecurityHeaders
{
    const string SwaggerPolicy = "swagger";

    public static IServiceCollection AddSgrafSecurityHeaders(this IServiceCollection services)
    {
        services.AddSecurityHeaderPolicies()
            .SetDefaultPolicy(policies => Policies(policies, inlineStyles: false))
            // Swagger UI adds a <style> element of its own; its scripts are files like the page's.
            .AddPolicy(SwaggerPolicy, policies => Policies(policies, inlineStyles: true))
            .SetPolicySelector(context => context.HttpContext.Request.Path.StartsWithSegments("/swagger")
                ? context.ConfiguredPolicies[SwaggerPolicy]
                : context.DefaultPolicy);
        return services;
    }

    static void Policies(HeaderPolicyCollection policies, bool inlineStyles) => policies
        .AddContentSecurityPolicy(csp =>
        {
            csp.AddDefaultSrc().Self();
            csp.AddScriptSrc().Self();
            var styles = csp.AddStyleSrc().Self();
            if (inlineStyles) styles.UnsafeInline();
            csp.AddImgSrc().Self().From("http:").From("https:").Data();
            csp.AddConnectSrc().Self();
            csp.AddObjectSrc().None();
            csp.AddBaseUri().None();
            csp.AddFormAction().Self();
            csp.AddFrameAncestors().None();
        })
        .AddContentTypeOptionsNoSniff()
        .AddFrameOptionsDeny()
        .AddReferrerPolicyNoReferrer();
}
