using Microsoft.Extensions.Options;

namespace Sgraf.Api.Configuration;

/// <summary>
/// Fills the paths left empty with this repository's demo locations (or ./data outside a checkout), and makes relative
/// paths absolute: from the repository root in a checkout, because <c>dotnet run --project src/Sgraf.Api</c> runs the
/// service in src/Sgraf.Api and a path typed at the root (models/flickr8k-bundle) would otherwise not be found.
/// In a checkout each bundle gets a data folder of its own by default (the demo's data/service, data/service-NAME for
/// the bundle folder NAME), because a gallery is stored as one bundle encoded it and another bundle refuses it at start:
/// switching bundles then needs no other setting, and neither gallery is touched.
/// </summary>
public sealed class SgrafServiceOptionsSetup : IPostConfigureOptions<SgrafServiceOptions>
{
    public void PostConfigure(string? name, SgrafServiceOptions options)
    {
        var root = RepositoryLayout.FindRoot();
        options.BundleDirectory = Absolute(options.BundleDirectory, root);
        options.DataDirectory = Absolute(options.DataDirectory, root);
        options.DemoGallery.ShapesDirectory = Absolute(options.DemoGallery.ShapesDirectory, root);
        if (root is not null)
        {
            var demoBundle = Path.Combine(root, "models", "shapes-bundle");
            if (options.BundleDirectory.Length == 0) options.BundleDirectory = demoBundle;
            if (options.DataDirectory.Length == 0) options.DataDirectory = Path.Combine(root, "data", DefaultDataFolder(options.BundleDirectory, demoBundle));
        }
        else if (options.DataDirectory.Length == 0)
            options.DataDirectory = Path.GetFullPath("data");
        if (options.DemoGallery.ShapesDirectory.Length == 0)
            options.DemoGallery.ShapesDirectory = root is not null ? Path.Combine(root, "data", "shapes") : Path.Combine(options.DataDirectory, "shapes");
    }

    // The demo keeps data/service (where its gallery has always been); any other bundle is named by its folder.
    static string DefaultDataFolder(string bundle, string demoBundle)
    {
        var folder = Path.TrimEndingDirectorySeparator(Path.GetFullPath(bundle));
        var name = Path.GetFileName(folder);
        return folder == demoBundle || name.Length == 0 ? "service" : $"service-{name}";
    }

    static string Absolute(string path, string? root) =>
        path.Length == 0 || Path.IsPathRooted(path) ? path : Path.GetFullPath(path, root ?? Directory.GetCurrentDirectory());
}

/// <summary>What data annotations cannot say: folders that must exist, keys that must be usable.</summary>
public sealed class SgrafServiceOptionsValidator : IValidateOptions<SgrafServiceOptions>
{
    public ValidateOptionsResult Validate(string? name, SgrafServiceOptions options)
    {
        var problems = new List<string>();
        if (options.BundleDirectory.Length == 0)
            problems.Add("Sgraf:BundleDirectory is not set (and no repository checkout with models/shapes-bundle was found)");
        else if (!File.Exists(Path.Combine(options.BundleDirectory, "manifest.json")))
            problems.Add($"Sgraf:BundleDirectory '{options.BundleDirectory}' holds no manifest.json; point it at a folder made by `sgraf export-onnx`");
        for (int i = 0; i < options.ApiKeys.Count; i++)
            if (string.IsNullOrWhiteSpace(options.ApiKeys[i]) || options.ApiKeys[i].Length < 8)
                problems.Add($"Sgraf:ApiKeys:{i} is shorter than 8 characters; use a long random key");
        if (options.Search.DefaultShortlist > options.Search.MaxShortlist)
            problems.Add($"Sgraf:Search:DefaultShortlist ({options.Search.DefaultShortlist}) is above Sgraf:Search:MaxShortlist ({options.Search.MaxShortlist})");
        var admission = options.Admission;
        if (admission.MaxHeavyCost < admission.MaxRequestCost)
            problems.Add($"Sgraf:Admission:MaxHeavyCost ({admission.MaxHeavyCost}) is below Sgraf:Admission:MaxRequestCost ({admission.MaxRequestCost}), so the costliest search allowed could never be admitted");
        long costliestLight = Math.Min(admission.HeavyAbove, admission.MaxRequestCost);
        if (admission.MaxLightCost < costliestLight)
            problems.Add($"Sgraf:Admission:MaxLightCost ({admission.MaxLightCost}) is below the costliest light search ({costliestLight}, the smaller of HeavyAbove and MaxRequestCost), which could never be admitted");
        if (options.Store == GalleryStoreKind.Redis && string.IsNullOrWhiteSpace(options.Redis.Configuration))
            problems.Add("Sgraf:Redis:Configuration is empty but Sgraf:Store is Redis");
        if (options.Cluster.Enabled && options.Store != GalleryStoreKind.Redis)
            problems.Add($"Sgraf:Cluster:Enabled is true but Sgraf:Store is {options.Store}; shards keep their logs in Redis, so set Sgraf:Store to Redis");
        if (options.Cluster.Enabled && !System.Net.IPAddress.TryParse(options.Cluster.AdvertisedAddress, out _))
            problems.Add($"Sgraf:Cluster:AdvertisedAddress '{options.Cluster.AdvertisedAddress}' is not an IP address");
        if (options.Cluster.Enabled && options.Cluster.GatewayPort == options.Cluster.SiloPort)
            problems.Add($"Sgraf:Cluster:GatewayPort ({options.Cluster.GatewayPort}) is Sgraf:Cluster:SiloPort too; give the gateway another port, or 0 for none");
        if (options.Cluster.Enabled && options.Cluster.Tls.Enabled) CheckClusterTls(options.Cluster.Tls, problems);
        if (options.Store == GalleryStoreKind.Redis) CheckRedisTls(options.Redis, problems);
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    /// <summary>The files load, and this silo's own certificate is one its peers will accept (they check it as it does theirs).</summary>
    static void CheckClusterTls(ClusterTlsOptions tls, List<string> problems)
    {
        const string Hint = "silos prove who they are to each other with certificates from the cluster's CA (scripts/make-cluster-certs.sh " +
                            "makes a CA and per-silo certificates); set Sgraf:Cluster:Tls:Enabled to false only where nothing else can reach the silo ports";
        try
        {
            var certificates = ClusterCertificates.Load(tls);
            if (!certificates.Trusts(certificates.Local))
                problems.Add($"Sgraf:Cluster:Tls:CertificateFile '{tls.CertificateFile}' ({certificates.Local.Subject}) does not chain to a certificate " +
                             $"of Sgraf:Cluster:Tls:CaFile '{tls.CaFile}', so the other silos would refuse it");
        }
        catch (InvalidDataException e)
        {
            problems.Add($"{e.Message}: {Hint}");
        }
    }

    static void CheckRedisTls(RedisStoreOptions redis, List<string> problems)
    {
        foreach (var (setting, path) in new[] { ("TlsCaFile", redis.TlsCaFile), ("TlsCertificateFile", redis.TlsCertificateFile), ("TlsKeyFile", redis.TlsKeyFile) })
            if (path.Length > 0 && !File.Exists(path)) problems.Add($"Sgraf:Redis:{setting} '{path}' does not exist");
        if ((redis.TlsCertificateFile.Length == 0) != (redis.TlsKeyFile.Length == 0))
            problems.Add("Sgraf:Redis:TlsCertificateFile and Sgraf:Redis:TlsKeyFile go together: give both, or neither");
    }
}
