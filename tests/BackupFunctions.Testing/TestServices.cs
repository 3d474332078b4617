using Npgsql;

namespace BackupFunctions.Testing;

/// <summary>
/// Connection settings of the services started by scripts/services.sh. The defaults equal what
/// that script prints, so tests run without sourcing its env, and BF_* variables override them.
/// </summary>
public static class TestServices
{
    public static string PgHost => Env("BF_PG_HOST", "127.0.0.1");
    public static int PgPort => int.Parse(Env("BF_PG_PORT", "55432"));
    public static string PgUser => Env("BF_PG_USER", "postgres");
    public static string PgPassword => Env("BF_PG_PASSWORD", "postgres");
    public static string PgBin => Env("BF_PG_BIN", "/usr/lib/postgresql/15/bin");

    public static string AzuriteConnectionString => Env("BF_AZURITE_CONNECTION_STRING",
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
        "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
        "BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;QueueEndpoint=http://127.0.0.1:10001/devstoreaccount1;" +
        "TableEndpoint=http://127.0.0.1:10002/devstoreaccount1;");

    public static string S3ServiceUrl => Env("BF_S3_SERVICE_URL", "http://127.0.0.1:4569");
    public static string S3AccessKey => Env("BF_S3_ACCESS_KEY", "S3RVER");
    public static string S3SecretKey => Env("BF_S3_SECRET_KEY", "S3RVER");
    public static string S3Region => Env("BF_S3_REGION", "us-east-1");

    public static string PgConnectionString(string database = "postgres", string? user = null, string? password = null) =>
        new NpgsqlConnectionStringBuilder
        {
            Host = PgHost,
            Port = PgPort,
            Username = user ?? PgUser,
            Password = password ?? PgPassword,
            Database = database,
            // Tests create and drop many databases; pooled idle connections would block DROP DATABASE.
            Pooling = false,
        }.ConnectionString;

    /// <summary>Whether the test server has a database of this name (e.g. that a failed restore left none behind).</summary>
    public static async Task<bool> DatabaseExistsAsync(string name)
    {
        await using var conn = new NpgsqlConnection(PgConnectionString());
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", conn);
        cmd.Parameters.AddWithValue(name);
        return await cmd.ExecuteScalarAsync() is not null;
    }

    private static string Env(string name, string fallback) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : fallback;
}
