namespace Sgraf.Api.Gallery;

/// <summary>One page of a list ordered by id (ordinal).</summary>
/// <param name="Total">Items in the whole list.</param>
/// <param name="Offset">Items skipped before this page.</param>
/// <param name="Limit">Most items a page holds.</param>
public sealed record Page<T>(int Total, int Offset, int Limit, IReadOnlyList<T> Items);
