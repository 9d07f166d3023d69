namespace Sgraf.Api.Search;

/// <summary>A query named a gallery item that was deleted after the request was checked and before it was scored.</summary>
public sealed class GalleryItemGoneException(string kind, string id)
    : Exception($"{kind} '{id}' was deleted while the search waited to be scored")
{
    public string Id { get; } = id;
}
