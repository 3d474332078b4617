using BackupFunctions.Pipeline.Processes;
using BackupFunctions.Testing;

namespace BackupFunctions.Pipeline.Tests;

/// <summary>Connection and client settings of the test server, and loading the sample database.</summary>
internal static class Pg
{
    public static PgConnectionInfo Connection(string database, string? password = null, int? port = null) =>
        new(TestServices.PgHost, port ?? TestServices.PgPort, TestServices.PgUser, password ?? TestServices.PgPassword, database);

    public static PgToolRunner Runner(string? binDir = null) => new(new PgClientLocator(binDir ?? TestServices.PgBin));

    public static string RepoRoot => RepoPaths.Root;

    public static Task LoadSampleAsync(TempDatabase db) =>
        Runner().RunAsync(PgTool.Psql, Connection(db.Name), ["-v", "ON_ERROR_STOP=1", "-q", "-f", Path.Combine(RepoRoot, "scripts", "sample-db.sql")]);

    /// <summary>pg_dump --schema-only, without comments and the per-dump random \restrict lines.</summary>
    public static async Task<string> SchemaAsync(string database)
    {
        var text = await Runner().RunAsync(PgTool.PgDump, Connection(database), ["--schema-only"]);
        return string.Join('\n', text.Split('\n')
            .Where(l => !l.StartsWith("--", StringComparison.Ordinal) && !l.StartsWith("\\restrict", StringComparison.Ordinal) && !l.StartsWith("\\unrestrict", StringComparison.Ordinal))
            .Where(l => l.Trim().Length > 0));
    }
}
