using Microsoft.AspNetCore.Http;
using Serilog.Events;
using Sgraf.Api.Hosting;

namespace Sgraf.Api.Tests.Hosting;

/// <summary>
/// The request log's level says whether someone should look: a 503 from /health/ready while the service starts is the
/// expected answer to an orchestrator's poll, not an error (it used to print a red ERR line per poll).
/// </summary>
public sealed class SgrafLoggingTests
{
    [Theory]
    [InlineData("/health/ready", 503, LogEventLevel.Information)]
    [InlineData("/health/ready", 200, LogEventLevel.Information)]
    [InlineData("/search/text-to-image", 503, LogEventLevel.Error)]
    [InlineData("/health/ready", 500, LogEventLevel.Error)]
    [InlineData("/images", 400, LogEventLevel.Information)]
    public void A_request_is_logged_at_the_level_its_answer_deserves(string path, int status, LogEventLevel level)
    {
        var context = new DefaultHttpContext();
        context.Request.Path = path;
        context.Response.StatusCode = status;
        Assert.Equal(level, SgrafLogging.RequestLevel(context, 1.0, exception: null));
    }

    [Fact]
    public void A_request_that_threw_is_an_error_even_on_readiness()
    {
        var context = new DefaultHttpContext();
        context.Request.Path = "/health/ready";
        context.Response.StatusCode = 503;
        Assert.Equal(LogEventLevel.Error, SgrafLogging.RequestLevel(context, 1.0, new InvalidOperationException()));
    }
}
