using BackupFunctions.Testing;

namespace BackupFunctions.Workflows.Tests.Support;

/// <summary>Paths in the repository the tests were built from (one lookup for every test project: <see cref="RepoPaths"/>).</summary>
internal static class Repo
{
    public static string Root => RepoPaths.Root;

    public static string SampleDatabaseSql => RepoPaths.SampleDatabaseSql;
}
