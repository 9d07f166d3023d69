using Sgraf.Api.Captions;
using Sgraf.Api.Demo;
using Sgraf.Api.Errors;
using Sgraf.Api.Health;
using Sgraf.Api.Hosting;
using Sgraf.Api.Images;
using Sgraf.Api.Observability;
using Sgraf.Api.OpenApi;
using Sgraf.Api.Routing;
using Sgraf.Api.Site;
using Sgraf.Api.Search;
using Sgraf.Api.Security;
using Sgraf.Api.Validation;

var builder = WebApplication.CreateBuilder(args);

builder.AddSgrafLogging();
builder.AddSgrafOptions();
builder.Services.AddSgrafProblems();
builder.Services.AddStrictRequestJson();
builder.Services.AddSgrafGallery();
builder.Services.AddSgrafSearch();
builder.AddSgrafCluster();
builder.Services.AddSgrafSwagger();
builder.Services.AddSgrafSecurityHeaders();
builder.Services.AddServiceMetrics();

var app = builder.Build();

// Headers set as each response starts, so every response has them, the exception handler's and static files' too.
app.UseSecurityHeaders();
app.UseInstanceHeader();
// Request logging and metrics outside the exception handler, so they see the status the client got (503, 400), not the exception.
app.UseSgrafRequestLogging();
app.UseRequestMetrics();
app.UseMemoryReleaseAfterLargeBodies();
app.UseExceptionHandler();
app.UseStatusCodePages(StatusCodeProblems.WriteAsync);
app.UseSearchPage();
app.UseDemoPictures();
app.UseSgrafSwagger();
app.UseRouting();
// After routing (it says which endpoints need a key and sets their body limit), before any endpoint reads a body.
app.UseApiKeys();
app.ObserveGallerySize();
app.ObserveRuntimeDevice();
app.ObserveCluster();

app.MapHealth();
app.MapImages();
app.MapCaptions();
app.MapSearch();
app.MapExplain();
app.MapMetrics();

return app.RunService();

/// <summary>The entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
