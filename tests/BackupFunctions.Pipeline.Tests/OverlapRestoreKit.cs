using BackupFunctions.Pipeline.Format;
using BackupFunctions.Pipeline.Inspection;
using BackupFunctions.Pipeline.Keys;
using BackupFunctions.Testing;

namespace BackupFunctions.Pipeline.Tests;

/// <summary>What the decode-overlap restore tests share: a backup in small chunks, the overlapped options, and a wait for killed clients to go.</summary>
internal static class OverlapRestoreKit
{
    /// <summary>Small chunks, so the TOC's chunks are authenticated and released long before a damaged later chunk.</summary>
    public static async Task<(BackupResult Result, byte[] Artifact)> BackupAsync(KeyRing ring, string database)
    {
        using var artifact = new MemoryStream();
        var result = await new BackupPipeline(Pg.Runner()).RunAsync(Pg.Connection(database), artifact,
            new BackupOptions(new ArtifactEncodeOptions(ring.Current) { Compression = CompressionKind.Zstd, ChunkSize = 16 << 10 }));
        return (result, artifact.ToArray());
    }

    public static RestoreOptions Overlapped(BackupResult backup, string staging) => new()
    {
        ExpectedStoredSha256 = backup.StoredSha256,
        ExpectedPlainSha256 = backup.PlainSha256,
        Jobs = 2,
        StagingDirectory = staging,
        PlainBytes = backup.RawBytes,
        OverlapDecode = true,
        // As RestoreRunner gives them from the manifest: slots may wait for a large table still decoding.
        TableDataBytes = backup.TableDataBytes,
    };

    /// <summary>Backs up <paramref name="source"/> and restores it into <paramref name="target"/> with the overlap (<see cref="Overlapped"/>).</summary>
    public static async Task<RestoreResult> BackupAndRestoreAsync(KeyRing ring, string source, TempDatabase target, string staging,
        ListLogger<RestorePipeline> logger)
    {
        var (backup, artifact) = await BackupAsync(ring, source);
        return await new RestorePipeline(Pg.Runner(), logger).RunAsync(new MemoryStream(artifact), ring, Pg.Connection(target.Name),
            Overlapped(backup, staging));
    }

    /// <summary>The target has the source's schema and every table its row count.</summary>
    public static async Task AssertSameAsSourceAsync(string source, TempDatabase target)
    {
        Assert.Equal(await Pg.SchemaAsync(source), await Pg.SchemaAsync(target.Name));
        Assert.Equal(await new DatabaseInspector(Pg.Connection(source)).CountRowsAsync(),
            await new DatabaseInspector(Pg.Connection(target.Name)).CountRowsAsync());
    }

    /// <summary>
    /// Starts the restore behind a gate at half the artifact and waits (up to 60 s) until <paramref name="firstTable"/>,
    /// whose block is before the gate, has rows in the target; its count is returned with the running restore.
    /// </summary>
    public static async Task<(Task<RestoreResult> Restore, GatedStream Gate, long RowsBeforeRelease)> StartGatedAsync(KeyRing ring,
        byte[] artifact, TempDatabase target, RestoreOptions options, ListLogger<RestorePipeline> logger, string firstTable)
    {
        var gate = new GatedStream(artifact, artifact.Length / 2);
        var restore = Task.Run(() => new RestorePipeline(Pg.Runner(), logger).RunAsync(gate, ring, Pg.Connection(target.Name), options));
        await gate.Reached.Task.WaitAsync(TimeSpan.FromSeconds(60));
        long rows = 0;
        for (var i = 0; i < 600 && rows == 0 && !restore.IsCompleted; i++)
        {
            if (await target.ScalarAsync<bool>($"SELECT to_regclass('{firstTable}') IS NOT NULL"))
                rows = await target.ScalarAsync<long>($"SELECT count(*) FROM {firstTable}");
            if (rows == 0) await Task.Delay(100);
        }
        return (restore, gate, rows);
    }

    /// <summary>Sessions on the database besides ours, once a killed client's backend had a moment to notice (up to 30 s; not a timing check).</summary>
    public static async Task<long> OtherSessionsAsync(TempDatabase target)
    {
        var sql = $"SELECT count(*) FROM pg_stat_activity WHERE datname = '{target.Name}' AND pid <> pg_backend_pid()";
        for (var i = 0; i < 300; i++)
        {
            var n = await target.ScalarAsync<long>(sql);
            if (n == 0) return 0;
            await Task.Delay(100);
        }
        return await target.ScalarAsync<long>(sql);
    }
}
