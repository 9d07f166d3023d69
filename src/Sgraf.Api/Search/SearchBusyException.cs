namespace Sgraf.Api.Search;

/// <summary>
/// An admission lane holds as much cost as its budget allows; the search was not admitted. The API answers 503 with
/// <see cref="RetryAfter"/>: about how long the lane takes to drain enough for it at the rate it has been draining.
/// </summary>
public sealed class SearchBusyException(string lane, long held, long budget, TimeSpan retryAfter)
    : Exception($"The {lane} searches admitted already cost {held:N0} of the {budget:N0} units their lane allows; retry after the time in Retry-After.")
{
    public string Lane { get; } = lane;

    public TimeSpan RetryAfter { get; } = retryAfter;
}
