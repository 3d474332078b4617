using System.Reflection;

namespace BackupFunctions.Workflows.Tests.Support;

/// <summary>Paths in the repository the tests were built from.</summary>
internal static class Repo
{
    public static string Root
    {
        get
        {
            // The binaries may live outside the repository (BF_ALT_BUILD), so start from where the project was built.
            var projectDir = typeof(Repo).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                .FirstOrDefault(a => a.Key == "ProjectDirectory")?.Value;
            foreach (var start in new[] { projectDir, AppContext.BaseDirectory })
            {
                var dir = start is null ? null : new DirectoryInfo(start);
                while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "BackupFunctions.sln"))) dir = dir.Parent;
                if (dir is not null) return dir.FullName;
            }

            throw new InvalidOperationException($"Repository root (BackupFunctions.sln) not found above {projectDir} or {AppContext.BaseDirectory}.");
        }
    }

    public static string SampleDatabaseSql => Path.Combine(Root, "scripts", "sample-db.sql");
}
