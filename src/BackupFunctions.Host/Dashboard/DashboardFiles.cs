using System.Collections.Frozen;

namespace BackupFunctions.Host.Dashboard;

/// <summary>
/// The dashboard's files, embedded in the host's assembly (wwwroot/), so the page ships with the binary and needs no
/// build step, no content root and no npm. Only these names are served: a request never reaches the file system.
/// </summary>
internal static class DashboardFiles
{
    private static readonly FrozenDictionary<string, DashboardAsset> Assets = Load();

    public static DashboardAsset? Find(string name) => Assets.GetValueOrDefault(name);

    private static FrozenDictionary<string, DashboardAsset> Load()
    {
        var assembly = typeof(DashboardFiles).Assembly;
        const string prefix = "BackupFunctions.Host.Dashboard.wwwroot.";
        var assets = new Dictionary<string, DashboardAsset>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var name = resource[prefix.Length..];
            assets[name] = new DashboardAsset(buffer.ToArray(), ContentTypeOf(name));
        }

        return assets.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static string ContentTypeOf(string name) => Path.GetExtension(name) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".svg" => "image/svg+xml",
        _ => "application/octet-stream",
    };
}
