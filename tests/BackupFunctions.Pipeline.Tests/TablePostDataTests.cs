using System.Globalization;
using System.Text.RegularExpressions;
using BackupFunctions.Pipeline.Format;
using BackupFunctions.Pipeline.Inspection;
using BackupFunctions.Pipeline.Keys;
using BackupFunctions.Pipeline.RowCounts;
using BackupFunctions.Testing;

namespace BackupFunctions.Pipeline.Tests;

/// <summary>
/// Which indexes and constraints the overlapped restore builds right after a table's data (<see cref="TablePostData"/>),
/// in the batch's own transaction, and that a restore doing so still equals the source where order matters: partitions
/// whose indexes attach to the parent's, an index over a function, exclusion and NOT VALID check constraints, foreign
/// keys, a materialized view's index, an inherited table.
/// </summary>
public sealed class TablePostDataTests : IAsyncLifetime
{
    private static readonly KeyRing Ring = new KeyRing().Add(TestKeys.Fixed("table-post-data-key", 29), makeCurrent: true);
    private readonly string _staging = Directory.CreateTempSubdirectory("bf-post-data-").FullName;
    private TempDatabase _source = null!;

    public async Task InitializeAsync()
    {
        _source = await TempDatabase.CreateAsync("tpd_src");
        await _source.ExecuteAsync("""
            CREATE SCHEMA app;
            CREATE FUNCTION app.norm(text) RETURNS text LANGUAGE sql IMMUTABLE AS 'SELECT lower(trim($1))';
            CREATE TABLE app.docs (id int PRIMARY KEY, code text UNIQUE, title text, area box,
                EXCLUDE USING gist (area WITH &&));
            INSERT INTO app.docs SELECT g, 'c' || g, ' Title ' || g, box(point(g * 3, 0), point(g * 3 + 1, 1)) FROM generate_series(1, 2000) g;
            CREATE INDEX docs_title_norm ON app.docs (app.norm(title));
            ALTER TABLE app.docs ADD CONSTRAINT docs_id_positive CHECK (id > 0) NOT VALID;
            CREATE TABLE app.parts (at date NOT NULL, doc_id int NOT NULL REFERENCES app.docs (id), n int,
                PRIMARY KEY (at, doc_id)) PARTITION BY RANGE (at);
            CREATE TABLE app.parts_2025 PARTITION OF app.parts FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
            CREATE TABLE app.parts_2026 PARTITION OF app.parts FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
            CREATE INDEX parts_n ON app.parts (n);
            INSERT INTO app.parts SELECT date '2025-06-01' + g / 20, 1 + g % 2000, g FROM generate_series(1, 6000) g;
            CREATE TABLE app.animal (name text);
            CREATE TABLE app.dog (barks boolean) INHERITS (app.animal);
            CREATE INDEX dog_name ON app.dog (name);
            INSERT INTO app.dog VALUES ('rex', true), ('spot', false);
            CREATE MATERIALIZED VIEW app.doc_count AS SELECT count(*) AS n FROM app.docs;
            CREATE UNIQUE INDEX doc_count_n ON app.doc_count (n);
            """);
    }

    public async Task DisposeAsync()
    {
        await _source.DisposeAsync();
        Directory.Delete(_staging, recursive: true);
    }

    /// <summary>A constraint's tag is "table constraint"; an index's is its name.</summary>
    private static string Name(DumpTocEntry e) => e.Tag!.Split(' ')[^1];

    [Fact]
    public async Task A_tables_own_indexes_and_constraints_follow_its_data_and_nothing_that_reads_another_table_does()
    {
        var (backup, artifact) = await OverlapRestoreKit.BackupAsync(Ring, _source.Name);
        var plain = new MemoryStream();
        await ArtifactDecoder.DecodeToAsync(new MemoryStream(artifact), Ring, plain, backup.StoredSha256);
        var counter = new CustomDumpRowCounter();
        counter.Append(plain.ToArray());
        counter.Complete();

        var map = TablePostData.Map(counter.Toc);

        var byId = counter.Toc.ToDictionary(e => e.DumpId);
        var after = map.ToDictionary(p => byId[p.Key].Tag!, p => p.Value.Select(id => Name(byId[id])).Order(StringComparer.Ordinal).ToList());
        // An index over a function depends on the function (pre-data, there already): it qualifies.
        Assert.Equal(["docs_area_excl", "docs_code_key", "docs_id_positive", "docs_pkey", "docs_title_norm"], after["docs"]);
        Assert.Equal(["dog_name"], after["dog"]);
        // A partition's index and key depend on the parent's (post-data, attached later): they wait for the final
        // pg_restore, as pg_restore -j would make them wait. The parent has no data of its own, the view's data is
        // post-data itself, and a table with no index has nothing.
        Assert.Equal(["docs", "dog"], after.Keys.Order(StringComparer.Ordinal));
        var mapped = map.Values.SelectMany(v => v).Select(id => byId[id]).ToList();
        Assert.DoesNotContain(mapped, e => e.Desc is "FK CONSTRAINT" or "INDEX ATTACH" or "MATERIALIZED VIEW DATA");
        Assert.DoesNotContain(mapped, e => Name(e) is "parts_pkey" or "parts_n" or "doc_count_n" or "parts_2025_pkey" or "parts_2025_n_idx");
        Assert.All(counter.Toc, e => Assert.NotEqual(0, e.Section));
    }

    [Fact]
    public async Task An_overlapped_restore_that_builds_them_after_each_tables_data_equals_the_source()
    {
        var (backup, artifact) = await OverlapRestoreKit.BackupAsync(Ring, _source.Name);
        await using var target = await TempDatabase.CreateAsync("tpd_r");
        var logger = new ListLogger<RestorePipeline>();

        await new RestorePipeline(Pg.Runner(), logger).RunAsync(new MemoryStream(artifact), Ring, Pg.Connection(target.Name),
            OverlapRestoreKit.Overlapped(backup, _staging));

        // All six that belong to one table alone (see above) were built by the batches, none left to the final pg_restore.
        var built = logger.Entries.Select(e => Regex.Match(e.Message, @"and built (\d+) of their indexes and constraints")).Where(m => m.Success);
        Assert.Equal(6, built.Sum(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)));
        Assert.Equal(await Pg.SchemaAsync(_source.Name), await Pg.SchemaAsync(target.Name));
        Assert.Equal(await new DatabaseInspector(Pg.Connection(_source.Name)).CountRowsAsync(),
            await new DatabaseInspector(Pg.Connection(target.Name)).CountRowsAsync());
        // Every index is valid (an attached partition index left invalid would show here) and the view was refreshed.
        Assert.Equal(0L, await target.ScalarAsync<long>("SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'app' AND NOT i.indisvalid"));
        Assert.Equal(2000L, await target.ScalarAsync<long>("SELECT n FROM app.doc_count"));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_staging));
    }
}
