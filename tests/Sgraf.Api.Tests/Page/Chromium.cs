using Sgraf.TestSupport;

namespace Sgraf.Api.Tests.Page;

/// <summary>Debian's chromium, which Playwright drives (it downloads no browser); installed when missing.</summary>
internal static class Chromium
{
    public const string Executable = "/usr/bin/chromium";

    static readonly Lazy<string> Located = new(() => DebianPackage.Ensure("chromium", () => File.Exists(Executable) ? Executable : null));

    public static string Path => Located.Value;
}
