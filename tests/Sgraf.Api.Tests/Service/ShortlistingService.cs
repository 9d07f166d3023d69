namespace Sgraf.Api.Tests.Service;

/// <summary>
/// The populated service with Sgraf:Search:ShortlistAbove = 30, so mode auto shortlists a search of the 40 images and
/// scores the 24 captions (or a few candidate ids) exhaustively.
/// </summary>
public sealed class ShortlistingService() : PopulatedService(new Dictionary<string, string?> { ["Sgraf:Search:ShortlistAbove"] = "30" })
{
    public const int ShortlistAbove = 30;
}
