using System.Reflection;

namespace BackupFunctions.Infra.Tests.Support;

/// <summary>
/// The checkout the tests were built from (recorded at build time, since BF_ALT_BUILD puts the binaries outside
/// it), else the first directory above the test binaries that holds BackupFunctions.sln.
/// </summary>
internal static class RepositoryRoot
{
    public static string Path { get; } = Find();

    public static string Infra => System.IO.Path.Combine(Path, "infra-bicep");

    public static string File(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    private static string Find()
    {
        var recorded = typeof(RepositoryRoot).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "RepositoryRoot")?.Value;
        if (recorded is not null && System.IO.File.Exists(System.IO.Path.Combine(recorded, "BackupFunctions.sln")))
        {
            return System.IO.Path.TrimEndingDirectorySeparator(recorded);
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (System.IO.File.Exists(System.IO.Path.Combine(dir.FullName, "BackupFunctions.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No BackupFunctions.sln at {recorded} or above {AppContext.BaseDirectory}.");
    }
}
