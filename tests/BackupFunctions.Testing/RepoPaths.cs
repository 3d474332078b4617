using System.Runtime.CompilerServices;

namespace BackupFunctions.Testing;

/// <summary>
/// Paths in the repository the tests were built from. The binaries may live outside it
/// (BF_ALT_BUILD builds into another tree), so the search starts at this source file as compiled,
/// then at the test binaries.
/// </summary>
public static class RepoPaths
{
    public static string Root => Find();

    public static string SampleDatabaseSql => Path.Combine(Root, "scripts", "sample-db.sql");

    /// <summary>Where npm installs the pinned test services (scripts/services/node_modules).</summary>
    public static string NodeModules => Path.Combine(Root, "scripts", "services", "node_modules");

    private static string Find([CallerFilePath] string sourceFile = "")
    {
        foreach (var start in new[] { Path.GetDirectoryName(sourceFile), AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            var dir = string.IsNullOrEmpty(start) ? null : new DirectoryInfo(start);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "BackupFunctions.sln"))) dir = dir.Parent;
            if (dir is not null) return dir.FullName;
        }
        throw new InvalidOperationException($"Repository root (BackupFunctions.sln) not found above {sourceFile} or {AppContext.BaseDirectory}.");
    }
}
