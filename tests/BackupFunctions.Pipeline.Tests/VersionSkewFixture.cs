using System.Collections.Concurrent;
using BackupFunctions.Pipeline.Keys;
using BackupFunctions.Pipeline.Processes;
using BackupFunctions.Testing;
using Npgsql;

namespace BackupFunctions.Pipeline.Tests;

/// <summary>
/// The sample database on the PostgreSQL 15 test server, backed up once (artifact, row counts,
/// schema shape), and throwaway servers of newer majors, each started once for the test class on
/// first use and stopped at its end.
/// </summary>
public sealed class VersionSkewFixture : IAsyncLifetime
{
    private readonly ConcurrentDictionary<int, Lazy<Task<EmbeddedPostgres>>> _servers = new();
    private TempDatabase? _source;

    public KeyRing Keys { get; } = new KeyRing().Add(TestKeys.Fixed("skew", 7), makeCurrent: true);
    public string SourceName => _source!.Name;
    public byte[] Artifact { get; private set; } = [];
    public BackupResult Backup { get; private set; } = null!;
    public IReadOnlyList<string> Shape { get; private set; } = [];

    public async Task InitializeAsync()
    {
        _source = await TempDatabase.CreateAsync("skewsrc");
        await Pg.Runner().RunAsync(PgTool.Psql, Pg.Connection(_source.Name), ["-v", "ON_ERROR_STOP=1", "-q", "-f", RepoPaths.SampleDatabaseSql]);
        using var artifact = new MemoryStream();
        Backup = await new BackupPipeline(Pg.Runner()).RunAsync(Pg.Connection(_source.Name), artifact,
            new BackupOptions(new ArtifactEncodeOptions(Keys.Current)));
        Artifact = artifact.ToArray();
        Shape = await ShapeAsync(_source.ConnectionString);
    }

    /// <summary>The server of <paramref name="major"/>, started on first use.</summary>
    public Task<EmbeddedPostgres> ServerAsync(int major) =>
        _servers.GetOrAdd(major, m => new Lazy<Task<EmbeddedPostgres>>(() => EmbeddedPostgres.StartAsync(m))).Value;

    /// <summary>
    /// What a restore must reproduce, read from the catalogs (pg_dump 15 cannot read a newer
    /// server): columns, constraints other than NOT NULL (18 keeps those in pg_constraint too),
    /// indexes, views, functions and sequence positions.
    /// </summary>
    public static async Task<IReadOnlyList<string>> ShapeAsync(string connectionString)
    {
        const string sql = """
            WITH s(n) AS (SELECT nspname FROM pg_namespace WHERE nspname NOT IN ('pg_catalog', 'information_schema', 'public') AND nspname NOT LIKE 'pg\_%')
            SELECT format('column %s.%s.%s %s %s %s', table_schema, table_name, column_name, data_type, is_nullable, coalesce(column_default, ''))
              FROM information_schema.columns WHERE table_schema IN (SELECT n FROM s)
            UNION ALL
            SELECT format('constraint %s.%s %s', n.nspname, c.conname, pg_get_constraintdef(c.oid))
              FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
             WHERE n.nspname IN (SELECT n FROM s) AND c.contype IN ('p', 'u', 'f', 'c', 'x')
            UNION ALL
            SELECT 'index ' || indexdef FROM pg_indexes WHERE schemaname IN (SELECT n FROM s)
            UNION ALL
            SELECT format('view %s.%s', table_schema, table_name) FROM information_schema.views WHERE table_schema IN (SELECT n FROM s)
            UNION ALL
            SELECT format('function %s.%s', routine_schema, routine_name) FROM information_schema.routines WHERE routine_schema IN (SELECT n FROM s)
            UNION ALL
            SELECT format('sequence %s.%s %s', schemaname, sequencename, last_value) FROM pg_sequences WHERE schemaname IN (SELECT n FROM s)
            ORDER BY 1
            """;
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await using var r = await cmd.ExecuteReaderAsync();
        var lines = new List<string>();
        while (await r.ReadAsync()) lines.Add(r.GetString(0));
        return lines;
    }

    public async Task DisposeAsync()
    {
        foreach (var server in _servers.Values)
        {
            try { await (await server.Value).DisposeAsync(); }
            catch (InvalidOperationException) { /* it never started; the test that needed it reported why */ }
        }
        if (_source is not null) await _source.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class VersionSkewCollection : ICollectionFixture<VersionSkewFixture>
{
    public const string Name = "version skew";
}
