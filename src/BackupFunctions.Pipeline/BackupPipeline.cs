using System.Data;
using BackupFunctions.Pipeline.DirectoryArchive;
using BackupFunctions.Pipeline.Inspection;
using BackupFunctions.Pipeline.Processes;
using BackupFunctions.Pipeline.RowCounts;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace BackupFunctions.Pipeline;

/// <summary>
/// pg_dump -Fc -Z0 → <see cref="ArtifactEncoder"/> → the caller's stream. The run fails if pg_dump
/// exits non-zero or writes errors to stderr, whatever bytes flowed; in that case the artifact is
/// left without its final chunk, so nothing can mistake it for a good one.
/// </summary>
public sealed partial class BackupPipeline(PgToolRunner runner, ILogger<BackupPipeline>? logger = null)
{
    private readonly ILogger _logger = (ILogger?)logger ?? NullLogger.Instance;

    public async Task<BackupResult> RunAsync(PgConnectionInfo source, Stream output, BackupOptions options,
        IProgress<PipelineProgress>? progress = null, CancellationToken ct = default)
    {
        var startedAt = DateTimeOffset.UtcNow;
        var inspector = new DatabaseInspector(source);
        // Fail fast, with a clear reason, before any process starts.
        await using var conn = await inspector.OpenAsync(ct).ConfigureAwait(false);
        var server = await DatabaseInspector.GetServerVersionAsync(conn, ct).ConfigureAwait(false);
        var client = options.Client ?? runner.Locator.ForServer(server.Major) ?? throw new PgToolException(PgTool.PgDump,
            PgFailureKind.ServerVersionMismatch, null,
            $"the server runs PostgreSQL {server.Text} and no installed pg_dump is that version or newer (installed: {runner.Locator.DescribeInstalled()}).",
            "", $"Install postgresql-client-{server.Major} (pg_dump cannot dump a newer server).");
        // `pg_dump --version` is a process of its own: it runs while the snapshot is taken instead of before it.
        var versionProbe = runner.GetVersionAsync(PgTool.PgDump, client, ct);
        string? scratch;
        var args = new List<string>();
        NpgsqlTransaction? snapshotTx = null;
        try
        {
            scratch = await PlanParallelDumpAsync(conn, source, options, ct).ConfigureAwait(false);
            args.AddRange(scratch is null
                ? ["--format=custom", "-Z0"]
                // --verbose: pg_dump -j reports each finished table file, so the follower can close it at once.
                // --no-sync: its closing fsync of every file would race the follower deleting them, and the
                // scratch files need no durability (the artifact gets the checks).
                : ["--format=directory", "-Z0", "--jobs=" + options.DumpJobs, "--verbose", "--no-sync", "--file=" + scratch]);
            if (options.CollectRowCounts)
            {
                // Hold a snapshot open for the whole dump: the table list the counts are kept for, and the scan they fall back
                // to, then describe exactly what was dumped. An idle session in a transaction costs the server nothing.
                snapshotTx = await conn.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct).ConfigureAwait(false);
                // A long dump leaves this session idle in its transaction: the server must not end it.
                await using (var ro = new NpgsqlCommand("SET TRANSACTION READ ONLY; SET idle_in_transaction_session_timeout = 0; SET statement_timeout = 0", conn, snapshotTx))
                    await ro.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                await using var cmd = new NpgsqlCommand("SELECT pg_export_snapshot()", conn, snapshotTx);
                var snapshot = (string)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
                args.Add("--snapshot=" + snapshot);
            }
        }
        catch (Exception)
        {
            // A pg_dump that cannot even say its version is the cause to report, as when the probe ran first.
            await versionProbe.ConfigureAwait(false);
            throw;
        }

        var pgDumpVersion = await versionProbe.ConfigureAwait(false);
        args.AddRange(options.ExtraDumpArguments);

        // The counts come from the dump itself, counted as it passes through the encoder (RowCounts/): no second
        // scan of every table. The tables and their ancestors are read in the dump's snapshot, on this session while
        // pg_dump starts on its own, instead of before it.
        var tablesRead = snapshotTx is null ? null : DumpTables.ReadAsync(conn, snapshotTx, ct);
        IDumpRowCounter? counter = snapshotTx is null ? null : scratch is null ? new CustomDumpRowCounter() : new DirectoryBundleRowCounter();

        LogStarting(_logger, source.ToString(), server.Text, pgDumpVersion);
        ArtifactEncodeResult encoded;
        DumpTables? tables;
        try
        {
            if (scratch is null)
            {
                await using var dump = runner.Start(PgTool.PgDump, source, args, client: client);
                encoded = await EncodeAsync(dump, Observed(dump.StandardOutput, counter), token => dump.WaitForSuccessAsync(token), output, options, progress, ct).ConfigureAwait(false);
            }
            else
            {
                LogParallelDump(_logger, source.ToString(), options.DumpJobs, scratch);
                var follower = new DirectoryDumpFollower(scratch);
                await using var dump = runner.Start(PgTool.PgDump, source, args, client: client, onStderrLine: follower.OnStderrLine);
                await using var feed = ParallelDumpFeed.Start(dump, follower);
                encoded = await EncodeAsync(dump, Observed(feed.Output, counter), feed.WaitAsync, output, options, progress, ct).ConfigureAwait(false);
            }

            tables = tablesRead is null ? null : await tablesRead.ConfigureAwait(false);
        }
        catch (Exception) when (tablesRead is not null)
        {
            // The session is closed on the way out: let the table list's query end first (its own error is not the cause).
            try { await tablesRead.ConfigureAwait(false); } catch (Exception) { /* the dump's failure is the one to report */ }
            throw;
        }
        finally
        {
            if (scratch is not null) TryDeleteScratch(scratch);
        }

        IReadOnlyDictionary<string, long>? counts = null;
        if (counter is not null)
        {
            counter.Complete();
            counts = counter.Failure is null ? tables!.Resolve(counter) : null;
            if (counts is null)
            {
                // Data the counter cannot follow (INSERT statements, an archive version it does not know): count the
                // tables in the dump's snapshot, which the transaction still holds.
                LogCountingByScan(_logger, source.ToString(), counter.Failure ?? "the table data is not COPY text");
                counts = await DatabaseInspector.CountRowsAsync(conn, ct).ConfigureAwait(false);
            }

            await snapshotTx!.RollbackAsync(ct).ConfigureAwait(false);
        }
        var completedAt = DateTimeOffset.UtcNow;
        var result = new BackupResult(encoded.RawBytes, encoded.CompressedBytes, encoded.StoredBytes, encoded.StoredSha256, encoded.PlainSha256,
            encoded.KeyId, encoded.Compression, encoded.CompressionLevel, encoded.ChunkSize, encoded.FormatVersion, pgDumpVersion, server, counts,
            startedAt, completedAt, completedAt - startedAt)
        {
            DumpFormat = scratch is null ? DumpFormats.Custom : DumpFormats.Directory,
            DumpJobs = scratch is null ? 1 : options.DumpJobs,
            TableDataBytes = counter is CustomDumpRowCounter { Failure: null } custom ? DumpTables.DataBytes(custom) : null,
        };
        LogCompleted(_logger, source.ToString(), result.RawBytes, result.StoredBytes, result.Duration.TotalSeconds, result.ThroughputMBps);
        return result;
    }

    /// <summary>
    /// Encodes what pg_dump produces. When the encoder fails and pg_dump failed too, pg_dump's error
    /// is the cause and is the one thrown.
    /// </summary>
    private static async Task<ArtifactEncodeResult> EncodeAsync(PgToolProcess dump, Stream source, Func<CancellationToken, Task> sourceCompleted,
        Stream output, BackupOptions options, IProgress<PipelineProgress>? progress, CancellationToken ct)
    {
        try
        {
            return await ArtifactEncoder.EncodeAsync(source, output, options.Artifact, sourceCompleted, progress, ct, abortSource: dump.Kill).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not PgToolException)
        {
            dump.Kill();
            try { await dump.WaitForSuccessAsync(CancellationToken.None).ConfigureAwait(false); }
            catch (PgToolException pe) when (pe.Kind != PgFailureKind.Cancelled) { throw; }
            catch (PgToolException) { /* killed by us: the encoder's error is the cause */ }
            throw;
        }
    }

    private static Stream Observed(Stream source, IDumpRowCounter? counter) =>
        counter is null ? source : new ObservedReadStream(source, counter.Append);

    /// <summary>
    /// pg_dumpall --globals-only (roles, memberships, tablespaces) through the same encoder: a full
    /// backup stores it next to the database dump so a restore onto a fresh server can recreate the
    /// roles first. Role passwords are left out unless <paramref name="includeRolePasswords"/>.
    /// <paramref name="appendSql"/> (SQL comments only, e.g. which roles the database uses) is added after the script.
    /// </summary>
    public async Task<ArtifactEncodeResult> DumpGlobalsAsync(PgConnectionInfo server, Stream output, ArtifactEncodeOptions options,
        bool includeRolePasswords = false, PgClientInstallation? client = null, CancellationToken ct = default, string? appendSql = null)
    {
        await new DatabaseInspector(server).CanConnectAsync(ct).ConfigureAwait(false);
        var args = new List<string> { "--globals-only" };
        if (!includeRolePasswords) args.Add("--no-role-passwords");
        await using var dump = runner.Start(PgTool.PgDumpAll, server, args, client: client);
        try
        {
            if (appendSql is null)
            {
                return await ArtifactEncoder.EncodeAsync(dump.StandardOutput, output, options, token => dump.WaitForSuccessAsync(token), null, ct, dump.Kill).ConfigureAwait(false);
            }

            // The globals are a few kilobytes: read them whole, so the appendix follows only a script pg_dumpall finished.
            using var script = new MemoryStream();
            await dump.StandardOutput.CopyToAsync(script, ct).ConfigureAwait(false);
            await dump.WaitForSuccessAsync(ct).ConfigureAwait(false);
            await script.WriteAsync(System.Text.Encoding.UTF8.GetBytes("\n" + appendSql + "\n"), ct).ConfigureAwait(false);
            script.Position = 0;
            return await ArtifactEncoder.EncodeAsync(script, output, options, null, null, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not PgToolException)
        {
            dump.Kill();
            throw;
        }
    }

    [LoggerMessage(EventId = 4200, Level = LogLevel.Information, Message = "Backing up {Database} (server {ServerVersion}) with {PgDumpVersion}")]
    private static partial void LogStarting(ILogger logger, string database, string serverVersion, string pgDumpVersion);

    [LoggerMessage(EventId = 4205, Level = LogLevel.Warning, Message = "Counting the rows of {Database} by scanning its tables after the dump, because they could not be counted in the dump stream: {Reason}")]
    private static partial void LogCountingByScan(ILogger logger, string database, string reason);

    [LoggerMessage(EventId = 4201, Level = LogLevel.Information, Message = "Backed up {Database}: {RawBytes} plain bytes, {StoredBytes} stored bytes in {Seconds:F1} s ({MBps:F0} MB/s)")]
    private static partial void LogCompleted(ILogger logger, string database, long rawBytes, long storedBytes, double seconds, double mbps);
}
