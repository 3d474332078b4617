using System.Diagnostics;
using BackupFunctions.Testing;
using Npgsql;

namespace BackupFunctions.Workflows.Tests.Support;

/// <summary>
/// What the tests check a database with, independently of the code under test: psql to load
/// scripts, pg_dump --schema-only for the schema, and count(*) of every user table.
/// </summary>
internal static class Sql
{
    public static Task LoadFileAsync(string database, string path) =>
        RunToolAsync("psql", ["-v", "ON_ERROR_STOP=1", "-q", "-X", "-d", database, "-f", path]);

    public static Task LoadTextAsync(string database, string sql) =>
        RunToolAsync("psql", ["-v", "ON_ERROR_STOP=1", "-q", "-X", "-d", database, "-c", sql]);

    /// <summary>pg_dump --schema-only without comment lines (they name the dumped database and versions) and \restrict tokens.</summary>
    public static async Task<string> SchemaAsync(string database)
    {
        var text = await RunToolAsync("pg_dump", ["--schema-only", "-d", database]);
        var lines = text.Split('\n')
            .Where(l => !l.StartsWith("--", StringComparison.Ordinal))
            .Where(l => !l.StartsWith("\\restrict", StringComparison.Ordinal) && !l.StartsWith("\\unrestrict", StringComparison.Ordinal))
            .Where(l => l.Trim().Length > 0);
        return string.Join('\n', lines);
    }

    /// <summary>"schema.table" → count(*), for every ordinary table outside the system schemas.</summary>
    public static async Task<SortedDictionary<string, long>> RowCountsAsync(string database)
    {
        await using var conn = new NpgsqlConnection(TestServices.PgConnectionString(database));
        await conn.OpenAsync();
        var tables = new List<(string Schema, string Name)>();
        await using (var list = new NpgsqlCommand(
            "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace " +
            "WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'", conn))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync()) tables.Add((reader.GetString(0), reader.GetString(1)));
        }

        var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var (schema, name) in tables)
        {
            var quoted = $"\"{schema.Replace("\"", "\"\"")}\".\"{name.Replace("\"", "\"\"")}\"";
            await using var count = new NpgsqlCommand($"SELECT count(*) FROM {quoted}", conn);
            counts[$"{schema}.{name}"] = (long)(await count.ExecuteScalarAsync())!;
        }

        return counts;
    }

    public static async Task<bool> DatabaseExistsAsync(string database)
    {
        await using var conn = new NpgsqlConnection(TestServices.PgConnectionString());
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", conn) { Parameters = { new() { Value = database } } };
        return await cmd.ExecuteScalarAsync() is not null;
    }

    public static async Task DropDatabaseAsync(string database)
    {
        await using var conn = new NpgsqlConnection(TestServices.PgConnectionString());
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", conn);
        await cmd.ExecuteNonQueryAsync();
    }

    private static async Task<string> RunToolAsync(string tool, IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo(Path.Combine(TestServices.PgBin, tool))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "-h", TestServices.PgHost, "-p", TestServices.PgPort.ToString(), "-U", TestServices.PgUser }.Concat(args))
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["PGPASSWORD"] = TestServices.PgPassword;
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} {string.Join(' ', psi.ArgumentList)} exited with {process.ExitCode}: {await stderr}");
        }

        return await stdout;
    }
}
