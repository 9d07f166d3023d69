using Microsoft.Extensions.Logging;

namespace Sgraf.Api.Gallery.Redis;

/// <summary>
/// Whether Redis refused this connection's credentials: given to StackExchange.Redis as its logger factory, it sees every
/// failed connection attempt, which the library logs with its exception.
/// </summary>
/// <remarks>
/// Neither the multiplexer's <c>ConnectionFailed</c> event nor the commands' errors are enough. The event reports a
/// failure once until a connection is restored, and that once may come during <c>ConnectAsync</c>, before a handler can
/// be added; and under load a command waits in the reconnect backlog and times out (worth retrying, by its type) rather
/// than fail naming the password, so start-up retried a refused password until its own time ran out.
/// </remarks>
internal sealed class RedisAuthenticationWatch : ILoggerFactory, ILogger
{
    private volatile Exception? _refused;

    /// <summary>The last refusal, or null if none since the last connection was made.</summary>
    public Exception? Refused => _refused;

    /// <summary>A connection was made: the credentials work now.</summary>
    public void Restored() => _refused = null;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (exception is not null && RedisConnectionSettings.IsAuthenticationFailure(exception)) _refused = exception;
    }

    // Connection failures are logged as errors; nothing below them is needed here.
    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public ILogger CreateLogger(string categoryName) => this;

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }
}
