using BackupFunctions.Pipeline.Format;
using BackupFunctions.Pipeline.Inspection;
using BackupFunctions.Pipeline.Keys;
using BackupFunctions.Pipeline.RowCounts;
using BackupFunctions.Testing;
using Microsoft.Extensions.Logging;

namespace BackupFunctions.Pipeline.Tests;

/// <summary>
/// Issue 17: the row counts of a backup come from the dump stream (the newline-terminated COPY rows of each table's data),
/// not from a second scan of every table. Against the real server they must equal <c>SELECT count(*)</c> for the cases
/// where counting lines could go wrong, for one stream (custom format) and for the parallel dump (directory bundle), and
/// a restore of the backup must pass the row check with them.
/// </summary>
public sealed class StreamRowCountTests : IAsyncLifetime
{
    private const int BigRows = 250_000;
    private static readonly KeyRing Ring = new KeyRing().Add(TestKeys.Fixed("rowcount-key", 17), makeCurrent: true);
    private readonly string _scratch = Directory.CreateTempSubdirectory("bf-rowcount-scratch-").FullName;
    private readonly string _staging = Directory.CreateTempSubdirectory("bf-rowcount-staging-").FullName;
    private TempDatabase _db = null!;
    private DumpTables? _tables;

    public async Task InitializeAsync()
    {
        _db = await TempDatabase.CreateAsync("rowcount");
        await _db.ExecuteAsync($"""
            CREATE SCHEMA edge;
            -- Values that hold newlines, carriage returns, tabs, backslashes and the COPY end marker: COPY escapes them,
            -- so each row is still one line.
            CREATE TABLE edge.texts (id int PRIMARY KEY, body text, raw bytea, doc jsonb);
            INSERT INTO edge.texts
            SELECT i,
                   CASE i % 6 WHEN 0 THEN E'line one\nline two\n' WHEN 1 THEN E'\\.' WHEN 2 THEN E'a\r\nb\tc\\d' WHEN 3 THEN '' WHEN 4 THEN NULL
                              ELSE repeat(E'x\n', 50) END,
                   decode('0a0d5c2e0a', 'hex'),
                   jsonb_build_object('k', E'v\nw', 'n', i)
            FROM generate_series(1, 3001) i;
            CREATE TABLE edge.empty (id int);
            -- Rows whose lines are empty (one empty text column, no columns at all), after a value that looks like the end marker.
            CREATE TABLE edge.blank_lines (t text);
            INSERT INTO edge.blank_lines VALUES (E'\\.'), (''), (''), ('');
            CREATE TABLE edge.no_columns ();
            INSERT INTO edge.no_columns SELECT FROM generate_series(1, 4);
            CREATE UNLOGGED TABLE edge.unlogged (id int);
            INSERT INTO edge.unlogged SELECT generate_series(1, 7);
            -- Row-level security, forced on the owner: pg_dump (row_security off, as a superuser) and count(*) see every row.
            CREATE TABLE edge.secured (id int, tenant text);
            INSERT INTO edge.secured SELECT i, 't' || (i % 3) FROM generate_series(1, 90) i;
            ALTER TABLE edge.secured ENABLE ROW LEVEL SECURITY;
            ALTER TABLE edge.secured FORCE ROW LEVEL SECURITY;
            CREATE POLICY only_t1 ON edge.secured USING (tenant = 't1');
            -- Partitions (one of them partitioned again) and old-style inheritance: count(*) of a parent includes its children.
            CREATE TABLE edge.events (at date NOT NULL, v int) PARTITION BY RANGE (at);
            CREATE TABLE edge.events_2025 PARTITION OF edge.events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
            CREATE TABLE edge.events_2026 PARTITION OF edge.events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01') PARTITION BY HASH (v);
            CREATE TABLE edge.events_2026_a PARTITION OF edge.events_2026 FOR VALUES WITH (MODULUS 2, REMAINDER 0);
            CREATE TABLE edge.events_2026_b PARTITION OF edge.events_2026 FOR VALUES WITH (MODULUS 2, REMAINDER 1);
            CREATE TABLE edge.events_other PARTITION OF edge.events DEFAULT;
            INSERT INTO edge.events SELECT date '2025-06-01' + (i % 900), i FROM generate_series(1, 5000) i;
            CREATE TABLE edge.animal (name text);
            CREATE TABLE edge.dog (barks boolean) INHERITS (edge.animal);
            INSERT INTO edge.animal VALUES ('generic'), ('other');
            INSERT INTO edge.dog VALUES ('rex', true), ('fido', false), ('spot', true);
            -- Large objects are data blocks of their own, not rows of any table.
            SELECT lo_from_bytea(0, decode('0a0a0a', 'hex'));
            CREATE MATERIALIZED VIEW edge.summary AS SELECT count(*) AS n FROM edge.texts;
            -- A large table: its data spans many chunks and many reads of the stream.
            CREATE TABLE edge.big (id bigint, payload text);
            INSERT INTO edge.big SELECT i, md5(i::text) FROM generate_series(1, {BigRows}) i;
            """);
        await using var conn = new Npgsql.NpgsqlConnection(_db.ConnectionString);
        await conn.OpenAsync();
        _tables = await DumpTables.ReadAsync(conn, null, default);
    }

    public async Task DisposeAsync()
    {
        await _db.DisposeAsync();
        Directory.Delete(_scratch, recursive: true);
        Directory.Delete(_staging, recursive: true);
    }

    private BackupOptions Options(int jobs, params string[] extra) => new(new ArtifactEncodeOptions(Ring.Current) { Compression = CompressionKind.Zstd })
    {
        DumpJobs = jobs,
        ScratchDirectory = _scratch,
        ParallelMinDatabaseBytes = 0,
        ExtraDumpArguments = extra,
    };

    [Theory]
    [InlineData(1, DumpFormats.Custom)]
    [InlineData(2, DumpFormats.Directory)]
    public async Task Counts_from_the_dump_stream_equal_count_star_and_a_restore_passes_the_row_check(int jobs, string format)
    {
        var logger = new ListLogger<BackupPipeline>();
        using var artifact = new MemoryStream();

        var backup = await new BackupPipeline(Pg.Runner(), logger).RunAsync(Pg.Connection(_db.Name), artifact, Options(jobs));

        Assert.Equal(format, backup.DumpFormat);
        Assert.DoesNotContain(logger.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("by scanning", StringComparison.Ordinal));
        var counted = await new DatabaseInspector(Pg.Connection(_db.Name)).CountRowsAsync();
        Assert.Equal(counted.OrderBy(p => p.Key), backup.RowCounts!.OrderBy(p => p.Key));
        Assert.Equal(3001L, backup.RowCounts["edge.texts"]);
        Assert.Equal(0L, backup.RowCounts["edge.empty"]);
        Assert.Equal(4L, backup.RowCounts["edge.blank_lines"]);
        Assert.Equal(4L, backup.RowCounts["edge.no_columns"]);
        Assert.Equal(7L, backup.RowCounts["edge.unlogged"]);
        Assert.Equal(90L, backup.RowCounts["edge.secured"]);
        Assert.Equal(5000L, backup.RowCounts["edge.events"]);
        Assert.Equal(backup.RowCounts["edge.events_2026_a"] + backup.RowCounts["edge.events_2026_b"], backup.RowCounts["edge.events_2026"]);
        Assert.Equal(5L, backup.RowCounts["edge.animal"]);
        Assert.Equal(3L, backup.RowCounts["edge.dog"]);
        Assert.Equal(BigRows, backup.RowCounts["edge.big"]);
        Assert.DoesNotContain("edge.summary", backup.RowCounts.Keys);

        // The same plain bytes fed in pieces of every small size (fields split anywhere) count the same.
        var plain = new MemoryStream();
        artifact.Position = 0;
        await ArtifactDecoder.DecodeToAsync(artifact, Ring, plain, backup.StoredSha256);
        IDumpRowCounter counter = jobs == 1 ? new CustomDumpRowCounter() : new DirectoryBundleRowCounter();
        var random = new Random(jobs);
        var bytes = plain.ToArray();
        for (var at = 0; at < bytes.Length;)
        {
            var n = Math.Min(bytes.Length - at, random.Next(1, 600));
            counter.Append(bytes.AsSpan(at, n));
            at += n;
        }

        counter.Complete();
        Assert.Null(counter.Failure);
        Assert.Equal(backup.RowCounts.OrderBy(p => p.Key), _tables!.Resolve(counter)!.OrderBy(p => p.Key));
        if (counter is CustomDumpRowCounter custom)
        {
            // Each table's block size, for the restore's largest-first order: the same when the bytes come in pieces, at
            // least a byte per row, and together less than the whole dump (which also holds the header and TOC).
            Assert.Equal(backup.TableDataBytes!.OrderBy(p => p.Key), DumpTables.DataBytes(custom).OrderBy(p => p.Key));
            Assert.All(backup.TableDataBytes, p => Assert.True(p.Value > backup.RowCounts.GetValueOrDefault(p.Key), p.Key));
            Assert.True(backup.TableDataBytes.Values.Sum() < backup.RawBytes);
            Assert.Equal("edge.big", backup.TableDataBytes.MaxBy(p => p.Value).Key);
        }
        else
        {
            Assert.Null(backup.TableDataBytes);
        }

        await using var restored = await TempDatabase.CreateAsync("rowcount_r");
        artifact.Position = 0;
        await new RestorePipeline(Pg.Runner()).RunAsync(artifact, Ring, Pg.Connection(restored.Name), new RestoreOptions
        {
            ExpectedStoredSha256 = backup.StoredSha256,
            ExpectedPlainSha256 = backup.PlainSha256,
            Jobs = jobs,
            StagingDirectory = _staging,
            PlainBytes = backup.RawBytes,
            DumpFormat = backup.DumpFormat,
        });
        Assert.Empty(await RowCountComparer.CompareWithDatabaseAsync(backup.RowCounts, new DatabaseInspector(Pg.Connection(restored.Name))));
    }

    [Fact]
    public async Task Data_dumped_as_insert_statements_is_counted_by_a_scan_in_the_dumps_snapshot()
    {
        var logger = new ListLogger<BackupPipeline>();

        var backup = await new BackupPipeline(Pg.Runner(), logger).RunAsync(Pg.Connection(_db.Name), Stream.Null, Options(1, "--inserts"));

        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("by scanning", StringComparison.Ordinal));
        var counted = await new DatabaseInspector(Pg.Connection(_db.Name)).CountRowsAsync();
        Assert.Equal(counted.OrderBy(p => p.Key), backup.RowCounts!.OrderBy(p => p.Key));
        Assert.Equal(3001L, backup.RowCounts["edge.texts"]);
    }

    [Fact]
    public async Task A_table_whose_data_is_left_out_of_the_dump_counts_zero_as_its_restore_has()
    {
        var backup = await new BackupPipeline(Pg.Runner()).RunAsync(Pg.Connection(_db.Name), Stream.Null, Options(1, "--exclude-table-data=edge.big"));

        Assert.Equal(0L, backup.RowCounts!["edge.big"]);
        Assert.Equal(3001L, backup.RowCounts["edge.texts"]);
    }
}
