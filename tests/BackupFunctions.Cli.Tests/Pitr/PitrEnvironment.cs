using System.Text.Json;
using BackupFunctions.Cli.Tests.Support;
using BackupFunctions.Targets;
using BackupFunctions.Testing;

namespace BackupFunctions.Cli.Tests.Pitr;

/// <summary>
/// The acceptance scenario of issue 15, set up once: a PostgreSQL 15 cluster archiving through
/// <c>backupctl wal push</c> to a local directory and S3, a base backup taken with
/// <c>backupctl basebackup</c>, then three batches of rows, each followed by a segment switch, with
/// the server's clock read after each commit. The tests restore from what this left in the targets.
/// </summary>
public sealed class PitrEnvironment : IAsyncLifetime
{
    public const int RowsPerBatch = 100;
    public const int Batches = 3;
    public const string Cluster = "pitr-test";
    private int _ports;

    public string Root { get; } = Directory.CreateTempSubdirectory("bf-pitr-").FullName;

    public string KeyFile => Path.Combine(Root, "kek.json");

    public string ConfigFile => Path.Combine(Root, "backupfunctions.json");

    public string LocalPath => Path.Combine(Root, "local");

    public string S3Prefix { get; } = "pitr-" + Guid.NewGuid().ToString("N")[..12];

    public ArchivingCluster Source { get; private set; } = null!;

    public CliRun BaseBackup { get; private set; } = null!;

    /// <summary>The server's clock_timestamp() read after each batch committed.</summary>
    public List<DateTimeOffset> CommittedBy { get; } = [];

    /// <summary>The WAL segment each batch was written to.</summary>
    public List<string> BatchSegments { get; } = [];

    public static string BackupctlCommand => $"dotnet '{Backupctl.DllPath}'";

    public int NextPort() => ArchivingCluster.NextPort(ref _ports);

    public async Task InitializeAsync()
    {
        var sourcePort = NextPort();
        System.IO.Directory.CreateDirectory(LocalPath);
        var bucket = (IProvisionableTarget)BackupTargetFactory.CreateBackend(CliEnvironment.S3Target(S3Prefix, TestServices.S3ServiceUrl));
        await bucket.EnsureExistsAsync();
        (bucket as IDisposable)?.Dispose();
        var keys = await Backupctl.RunAsync("keys", "new", "--id", "pitr-key", "--out", KeyFile);
        if (keys.ExitCode != 0) throw new InvalidOperationException(keys.ToString());
        WriteConfig(ConfigFile, sourcePort, [CliEnvironment.LocalTarget(LocalPath), CliEnvironment.S3Target(S3Prefix, TestServices.S3ServiceUrl)]);
        // archive_command and restore_command run as the server's user: it must read the settings and the key, and write the local target.
        await ArchivingCluster.ChownAsync(Root);

        Source = await ArchivingCluster.StartAsync(Path.Combine(Root, "source"), sourcePort,
            $"{BackupctlCommand} wal push --config '{ConfigFile}' %p");
        await ExecuteAsync("CREATE TABLE items (id int PRIMARY KEY, batch int NOT NULL, committed_at timestamptz NOT NULL DEFAULT clock_timestamp())");

        BaseBackup = await Backupctl.RunAsync("basebackup", "--json", "--config", ConfigFile);
        if (BaseBackup.ExitCode != 0) throw new InvalidOperationException(BaseBackup.ToString() + "\n" + Source.ServerLog);

        var lastSwitched = "";
        for (var batch = 1; batch <= Batches; batch++)
        {
            // The batches are a second apart, so a target time between two of them is unambiguous.
            await Task.Delay(TimeSpan.FromSeconds(1));
            await ExecuteAsync($"INSERT INTO items (id, batch) SELECT g, {batch} FROM generate_series({(batch - 1) * RowsPerBatch + 1}, {batch * RowsPerBatch}) g");
            CommittedBy.Add(await Source.ScalarAsync<DateTime>("SELECT clock_timestamp()"));
            BatchSegments.Add(await Source.ScalarAsync<string>("SELECT pg_walfile_name(pg_current_wal_lsn())"));
            lastSwitched = await Source.ScalarAsync<string>("SELECT pg_walfile_name(pg_switch_wal())");
        }

        await WaitUntilArchivedAsync(lastSwitched);
    }

    /// <summary>Waits until archive_command (backupctl wal push) has archived every finished segment.</summary>
    private async Task WaitUntilArchivedAsync(string last)
    {
        // A guard against a hung archiver, not a performance assertion.
        var guard = DateTime.UtcNow.AddMinutes(3);
        while (DateTime.UtcNow < guard)
        {
            var archived = await Source.ScalarAsync<object>("SELECT last_archived_wal FROM pg_stat_archiver") as string;
            if (archived is not null && string.CompareOrdinal(archived, last) >= 0) return;
            await Task.Delay(500);
        }

        throw new TimeoutException($"Segments up to {last} were not archived within 3 minutes. Server log:\n{Source.ServerLog}");
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var conn = new Npgsql.NpgsqlConnection(Source.ConnectionString());
        await conn.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>A config for backupctl: the source cluster, the key, and the given targets (WAL archive of <see cref="Cluster"/>).</summary>
    public void WriteConfig(string path, int sourcePort, IEnumerable<TargetOptions> targets) =>
        File.WriteAllText(path, JsonSerializer.Serialize(new
        {
            BackupFunctions = new
            {
                Source = new { ConnectionString = $"Host=127.0.0.1;Port={sourcePort};Username=postgres;Password=postgres;Database=postgres", PgBinDirectory = TestServices.PgBin },
                Keys = new { KeyFile },
                StagingDirectory = Path.Combine(Root, "staging"),
                Pitr = new { Cluster, PrefetchSegments = 4 },
                Targets = targets.Select(t => new
                {
                    t.Name, t.Type, t.Path, t.ServiceUrl, t.Region, t.Bucket, t.Prefix, t.AccessKey, t.SecretKey, t.ForcePathStyle,
                    Retry = new { MaxAttempts = 2, BaseDelay = "00:00:00.020", MaxDelay = "00:00:00.050" },
                }),
            },
        }, new JsonSerializerOptions { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull }));

    /// <summary>A copy of the local target's archive with a settings file of its own (that copy alone), to damage without touching the original.</summary>
    /// <returns>The copy's settings file, and its WAL folder.</returns>
    public async Task<(string Config, string Archive)> CopyArchiveAsync(string name)
    {
        var local = Path.Combine(Root, "copy-" + name);
        CopyDirectory(LocalPath, local);
        var config = Path.Combine(Root, $"copy-{name}.json");
        WriteConfig(config, SourcePort, [CliEnvironment.LocalTarget(local)]);
        await ArchivingCluster.ChownAsync(local);
        await ArchivingCluster.ChownAsync(config);
        return (config, Path.Combine(local, "pitr", PitrEnvironment.Cluster, "wal"));
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var dir in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
    }

    public int SourcePort => Source.Port;

    public async Task DisposeAsync()
    {
        try
        {
            if (Source is not null) await Source.DisposeAsync();
            var s3 = BackupTargetFactory.Create(CliEnvironment.S3Target(S3Prefix, TestServices.S3ServiceUrl));
            var keys = new List<string>();
            await foreach (var obj in s3.ListAsync("")) keys.Add(obj.Key);
            foreach (var key in keys) await s3.DeleteAsync(key);
        }
        finally
        {
            System.IO.Directory.Delete(Root, recursive: true);
        }
    }
}
