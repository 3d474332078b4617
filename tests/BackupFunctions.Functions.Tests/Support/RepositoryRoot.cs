using System.Reflection;

namespace BackupFunctions.Functions.Tests.Support;

/// <summary>
/// The checkout the tests were built from (recorded at build time, since BF_ALT_BUILD puts the binaries outside
/// it), else the first directory above the test binaries that holds BackupFunctions.sln.
/// </summary>
internal static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        var recorded = typeof(RepositoryRoot).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "RepositoryRoot")?.Value;
        if (recorded is not null && File.Exists(System.IO.Path.Combine(recorded, "BackupFunctions.sln")))
        {
            return System.IO.Path.TrimEndingDirectorySeparator(recorded);
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "BackupFunctions.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No BackupFunctions.sln at {recorded} or above {AppContext.BaseDirectory}.");
    }
}
