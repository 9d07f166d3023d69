namespace Sgraf.TestSupport;

/// <summary>
/// Real photos for the picture tests: scikit-image's sample data from Debian's python3-skimage (installed by
/// scripts/install-deps.sh when missing). Not copied into the repository. Licences, from the package's
/// skimage/data/_fetchers.py: chelsea (a cat) and coffee are CC0 by their photographers (Stefan van der Walt, Rachel
/// Michetti); astronaut (NASA) and rocket (SpaceX) were released into the public domain; hubble_deep_field (NASA) is in the public domain.
/// </summary>
public static class SamplePhotos
{
    const string Folder = "/usr/lib/python3/dist-packages/skimage/data";

    static readonly Lazy<string> Located = new(() =>
        DebianPackage.Ensure("python3-skimage", () => File.Exists(Path.Combine(Folder, "chelsea.png")) ? Folder : null));

    /// <summary>451 × 300 PNG.</summary>
    public static string Chelsea => PathOf("chelsea.png");

    /// <summary>600 × 400 PNG.</summary>
    public static string Coffee => PathOf("coffee.png");

    /// <summary>512 × 512 PNG.</summary>
    public static string Astronaut => PathOf("astronaut.png");

    /// <summary>640 × 427 JPEG.</summary>
    public static string Rocket => PathOf("rocket.jpg");

    /// <summary>1000 × 872 JPEG.</summary>
    public static string HubbleDeepField => PathOf("hubble_deep_field.jpg");

    public static IReadOnlyList<string> All => [Chelsea, Coffee, Astronaut, Rocket, HubbleDeepField];

    /// <summary>Debian's /usr/bin/python3 with PIL, which python3-skimage depends on.</summary>
    public static void EnsurePython() => _ = Located.Value;

    static string PathOf(string name) => Path.Combine(Located.Value, name);
}
