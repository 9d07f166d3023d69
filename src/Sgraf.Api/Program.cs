using Sgraf.Api.Captions;
using Sgraf.Api.Demo;
using Sgraf.Api.Errors;
using Sgraf.Api.Health;
using Sgraf.Api.Hosting;
using Sgraf.Api.Images;
using Sgraf.Api.Observability;
using Sgraf.Api.OpenApi;
using Sgraf.Api.Site;
using Sgraf.Api.Search;
using Sgraf.Api.Validation;
using Serilog;

var builder = WebApplication.CreateBuilder(args);

builder.AddSgrafLogging();
builder.AddSgrafOptions();
builder.Services.AddSgrafProblems();
builder.Services.AddStrictRequestJson();
builder.Services.AddSgrafGallery();
builder.Services.AddSgrafSearch();
builder.AddSgrafCluster();
builder.Services.AddSgrafSwagger();
builder.Services.AddServiceMetrics();

var app = builder.Build();

// Request logging outside the exception handler, so it logs the status the client got (503, 400), not the exception.
app.UseSerilogRequestLogging();
app.UseExceptionHandler();
app.UseStatusCodePages(StatusCodeProblems.WriteAsync);
app.UseInstanceHeader(app.Configuration);
app.UseSearchPage();
app.UseDemoPictures();
app.UseSgrafSwagger();
app.UseRouting();
app.UseRequestMetrics();
app.ObserveGallerySize();
app.ObserveRuntimeDevice();
app.ObserveCluster();

app.MapHealth();
app.MapImages();
app.MapPictures();
app.MapCaptions();
app.MapSearch();
app.MapExplain();
app.MapMetrics();

app.Run();

/// <summary>The entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
