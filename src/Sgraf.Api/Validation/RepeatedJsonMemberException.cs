using System.Text.Json;

namespace Sgraf.Api.Validation;

/// <summary>
/// A member given twice in one object of free-form JSON (metadata). A JsonException, so the body reader answers it as bad
/// input; System.Text.Json sets <see cref="JsonException.Path"/> to where the free-form value starts, and
/// <see cref="PathWithin"/> goes on from there.
/// </summary>
public sealed class RepeatedJsonMemberException(string member, string pathWithin)
    : JsonException($"The member '{member}' is given twice in one object, at {pathWithin} within this value.")
{
    public string Member { get; } = member;

    /// <summary>The path of the repeat below the value (<c>.a.b</c>).</summary>
    public string PathWithin { get; } = pathWithin;
}
