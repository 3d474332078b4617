using System.Diagnostics;
using BackupFunctions.Pipeline.Format;
using BackupFunctions.Pipeline.Inspection;
using BackupFunctions.Pipeline.Keys;
using BackupFunctions.Pipeline.Processes;
using BackupFunctions.Pipeline.Scripts;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BackupFunctions.Pipeline;

/// <summary>
/// Artifact stream → hash + authenticate + decrypt → decompress → pg_restore's stdin. A damaged
/// artifact stops the feed and kills pg_restore before the end of the archive reaches it (chunks are
/// authenticated before release; the whole-object hash is checked before the last chunks go out),
/// and with <see cref="RestoreOptions.SingleTransaction"/> the target is left untouched.
/// </summary>
/// <remarks>
/// The client is picked by the target server's version (<see cref="PgClientLocator.ForRestore"/>).
/// When that pg_restore is newer than the server, its SQL goes a longer way, so that the server does
/// not reject SET statements for parameters it does not know (<see cref="SetFilterMode"/>):
/// pg_restore writes the script to stdout (<c>-f -</c>), <see cref="SqlScriptFilter"/> drops those
/// statements, and psql runs the rest in one transaction. psql sees the end of its input only after
/// everything upstream succeeded; on any failure it is killed, so nothing is committed.
/// </remarks>
public sealed partial class RestorePipeline(PgToolRunner runner, ILogger<RestorePipeline>? logger = null)
{
    private readonly ILogger _logger = (ILogger?)logger ?? NullLogger.Instance;

    public async Task<RestoreResult> RunAsync(Stream artifact, KeyRing keys, PgConnectionInfo target, RestoreOptions options,
        IProgress<PipelineProgress>? progress = null, CancellationToken ct = default)
    {
        var sw = Stopwatch.StartNew();
        var inspector = new DatabaseInspector(target);
        var server = await inspector.GetServerVersionAsync(ct).ConfigureAwait(false);
        var client = options.Client ?? runner.Locator.ForRestore(server.Major);
        var version = await runner.GetVersionAsync(PgTool.PgRestore, client, ct).ConfigureAwait(false);
        var clientMajor = PgClientVersion.Parse(version)?.Major ?? client.Major;
        var filter = SetFilter.IsNeeded(options.SetFilter, clientMajor, server.Major);
        LogClientChosen(_logger, target.ToString(), server.Text, version, client.BinDirectory,
            filter ? "pg_restore -f - | SET filter | psql" : "pg_restore --dbname");

        // A parallel dump's files must be on disk whatever the mode: pg_restore reads a directory archive only from there.
        if (DumpFormats.IsDirectory(options.DumpFormat))
            return await RunDirectoryAsync(artifact, keys, target, options, server, client, version, filter, progress, sw, ct).ConfigureAwait(false);

        // Parallel only where pg_restore talks to the server itself, and when the dump fits on the staging disk.
        if (!filter && options.Jobs > 1 && StagingFits(target, options))
            return await RunParallelAsync(artifact, keys, target, options, server, client, version, progress, sw, ct).ConfigureAwait(false);

        return filter
            ? await RunFilteredAsync(artifact, keys, target, options, server, client, version, progress, sw, ct).ConfigureAwait(false)
            : await RunDirectAsync(artifact, keys, target, options, server, client, version, progress, sw, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs a plain SQL script (a plain-format dump, pg_restore's <c>-f</c> output) into the target
    /// with psql picked by the server's version, in one transaction. Unless
    /// <see cref="RestoreOptions.SetFilter"/> is Never it goes through <see cref="SqlScriptFilter"/>:
    /// who wrote a script is unknown, and the filter drops only what the server would reject.
    /// </summary>
    public async Task<ScriptRestoreResult> RunScriptAsync(Stream script, PgConnectionInfo target, RestoreOptions options, CancellationToken ct = default)
    {
        var sw = Stopwatch.StartNew();
        var inspector = new DatabaseInspector(target);
        var server = await inspector.GetServerVersionAsync(ct).ConfigureAwait(false);
        var client = options.Client ?? runner.Locator.ForRestore(server.Major);
        var known = options.SetFilter == SetFilterMode.Never ? null : await inspector.GetParameterNamesAsync(ct).ConfigureAwait(false);
        await using var psql = await PsqlSession.StartAsync(runner, target, options, client, known, ct).ConfigureAwait(false);
        LogClientChosen(_logger, target.ToString(), server.Text, psql.VersionText, client.BinDirectory, known is null ? "psql" : "SET filter | psql");
        try
        {
            await psql.PumpAsync(script, ct).ConfigureAwait(false);
        }
        catch (ChildInputClosedException e)
        {
            throw await psql.FailureAfterInputClosedAsync(e).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            psql.Abort();
            LogAborted(_logger, target.ToString(), e.GetType().Name);
            throw;
        }
        finally
        {
            LogDropped(psql.Filter, server, "an unknown writer (plain script)");
        }
        await psql.CommitAsync(ct).ConfigureAwait(false);
        return new ScriptRestoreResult(server.Text, psql.VersionText, client.BinDirectory, psql.Filter is not null,
            Dropped(psql.Filter), psql.Filter?.DroppedRestrictLines ?? 0, [.. FilterWarnings(psql.Filter, server), .. psql.StderrLines], sw.Elapsed);
    }

    private async Task<RestoreResult> RunDirectAsync(Stream artifact, KeyRing keys, PgConnectionInfo target, RestoreOptions options,
        ServerVersionInfo server, PgClientInstallation client, string version, IProgress<PipelineProgress>? progress, Stopwatch sw, CancellationToken ct)
    {
        var args = new List<string>();
        if (options.ExitOnError) args.Add("--exit-on-error");
        if (options.SingleTransaction) args.Add("--single-transaction");
        AddContentArguments(args, options);

        await using var restore = runner.Start(PgTool.PgRestore, target, args, openStdin: true, client: client);
        ArtifactDecoder.Decoded decoded;
        try
        {
            decoded = await DecodeIntoAsync(artifact, keys, options, restore, progress, ct).ConfigureAwait(false);
        }
        catch (ChildInputClosedException e)
        {
            // pg_restore stopped reading (it exited on an error): its own error says why.
            await restore.WaitForSuccessAsync(ct).ConfigureAwait(false);
            throw new IOException("pg_restore closed its input before the end of the archive but reported no error.", e.InnerException);
        }
        catch (Exception e)
        {
            // Never let pg_restore see EOF after a partial archive: kill it, so the transaction rolls back.
            restore.Kill();
            LogAborted(_logger, target.ToString(), e.GetType().Name);
            throw;
        }

        await CloseInputAsync(restore).ConfigureAwait(false);
        return await FinishAsync(restore, decoded, target, server, client, version, sw,
            options.SingleTransaction ? RestoreModes.StreamSingleTransaction : RestoreModes.Stream, ct).ConfigureAwait(false);
    }

    /// <summary>Waits for a pg_restore that restored into the server itself, and describes what it did.</summary>
    private async Task<RestoreResult> FinishAsync(PgToolProcess restore, ArtifactDecoder.Decoded decoded, PgConnectionInfo target,
        ServerVersionInfo server, PgClientInstallation client, string version, Stopwatch sw, string mode, CancellationToken ct)
    {
        await restore.WaitForSuccessAsync(ct).ConfigureAwait(false);
        var warnings = restore.StderrExcerpt.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        LogRestored(_logger, target.ToString(), decoded.PlainBytes, sw.Elapsed.TotalSeconds);
        return Result(decoded, version, warnings, sw) with { ServerVersion = server.Text, ClientBinDirectory = client.BinDirectory, Mode = mode };
    }

    /// <param name="unpacked">A directory archive already decoded and unpacked (then <paramref name="artifact"/> is not read), with its decode result.</param>
    private async Task<RestoreResult> RunFilteredAsync(Stream artifact, KeyRing keys, PgConnectionInfo target, RestoreOptions options,
        ServerVersionInfo server, PgClientInstallation client, string version, IProgress<PipelineProgress>? progress, Stopwatch sw, CancellationToken ct,
        (string Path, ArtifactDecoder.Decoded Decoded)? unpacked = null)
    {
        var known = await new DatabaseInspector(target).GetParameterNamesAsync(ct).ConfigureAwait(false);
        await using var psql = await PsqlSession.StartAsync(runner, target, options, client, known, ct).ConfigureAwait(false);

        // pg_restore only writes the script here: no connection, so no password in its environment.
        var args = new List<string> { "--file=-" };
        AddContentArguments(args, options);
        if (unpacked is { } u) args.Add(u.Path);
        await using var restore = runner.Start(PgTool.PgRestore, null, args, openStdin: unpacked is null, client: client);
        var pump = Task.Run(async () =>
        {
            try
            {
                await psql.PumpAsync(restore.StandardOutput, ct).ConfigureAwait(false);
            }
            catch
            {
                // psql stopped reading: stop pg_restore too, so the decoder feeding it stops instead of waiting.
                restore.Kill();
                throw;
            }
        }, CancellationToken.None);

        ArtifactDecoder.Decoded decoded;
        try
        {
            if (unpacked is { } done) decoded = done.Decoded;
            else
            {
                decoded = await DecodeIntoAsync(artifact, keys, options, restore, progress, ct).ConfigureAwait(false);
                await CloseInputAsync(restore).ConfigureAwait(false);
            }
            await restore.WaitForSuccessAsync(ct).ConfigureAwait(false);
            await pump.ConfigureAwait(false);
        }
        catch (Exception e)
        {
            throw await FailFilteredAsync(e, restore, psql, pump, target).ConfigureAwait(false);
        }
        finally
        {
            LogDropped(psql.Filter, server, version);
        }

        await psql.CommitAsync(ct).ConfigureAwait(false);
        var warnings = FilterWarnings(psql.Filter, server).Concat(psql.StderrLines)
            .Concat(restore.StderrExcerpt.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
        LogRestored(_logger, target.ToString(), decoded.PlainBytes, sw.Elapsed.TotalSeconds);
        return Result(decoded, version, warnings, sw) with
        {
            ServerVersion = server.Text,
            ClientBinDirectory = client.BinDirectory,
            PsqlVersion = psql.VersionText,
            DroppedSetParameters = Dropped(psql.Filter),
            DroppedRestrictLines = psql.Filter?.DroppedRestrictLines ?? 0,
            Mode = RestoreModes.Filtered,
        };
    }

    /// <summary>Picks the error to report when the filtered restore fails; psql has not committed anything.</summary>
    private async Task<Exception> FailFilteredAsync(Exception e, PgToolProcess restore, PsqlSession psql, Task pump, PgConnectionInfo target)
    {
        if (e is ChildInputClosedException or PgToolException { Tool: PgTool.PgRestore })
        {
            // A program stopped on its own. The pump then ends by itself: at the end of pg_restore's
            // output, or because psql stopped reading (and the pump stopped pg_restore).
            var pumpError = await CaptureAsync(pump).ConfigureAwait(false);
            if (e is ChildInputClosedException { Tool: PgTool.Psql } || pumpError is ChildInputClosedException { Tool: PgTool.Psql })
                return await psql.FailureAfterInputClosedAsync(pumpError ?? e).ConfigureAwait(false);
            psql.Abort();
            // The filter itself, or reading pg_restore's output, failed.
            if (pumpError is not null) return pumpError;
            if (e is PgToolException) return e;
            try { await restore.WaitForSuccessAsync(CancellationToken.None).ConfigureAwait(false); }
            catch (PgToolException pe) { return pe; }
            return new IOException("pg_restore closed its input before the end of the archive but reported no error.", e.InnerException);
        }

        // The artifact failed its checks, the filter failed, or the run was cancelled: psql first, so it never commits.
        psql.Abort();
        restore.Kill();
        await CaptureAsync(pump).ConfigureAwait(false);
        LogAborted(_logger, target.ToString(), e.GetType().Name);
        return e;
    }

    private static async Task<Exception?> CaptureAsync(Task task)
    {
        try { await task.ConfigureAwait(false); return null; }
        catch (Exception e) { return e; }
    }

    private static Task<ArtifactDecoder.Decoded> DecodeIntoAsync(Stream artifact, KeyRing keys, RestoreOptions options, PgToolProcess restore,
        IProgress<PipelineProgress>? progress, CancellationToken ct)
    {
        var stdin = restore.StandardInput;
        return ArtifactDecoder.DecodeAsync(artifact, keys, options.ExpectedStoredSha256, options.ExpectedPlainSha256,
            async (m, t) =>
            {
                try { await stdin.WriteAsync(m, t).ConfigureAwait(false); }
                catch (IOException e) { throw new ChildInputClosedException(PgTool.PgRestore, e); }
            }, options.StageBufferBytes, progress, ct, options.Expected);
    }

    private static async Task CloseInputAsync(PgToolProcess process)
    {
        try { await process.StandardInput.DisposeAsync().ConfigureAwait(false); }
        catch (IOException) { /* exited already; WaitForSuccess reports it */ }
    }

    private static void AddContentArguments(List<string> args, RestoreOptions options)
    {
        if (options.NoOwner) args.Add("--no-owner");
        if (options.NoPrivileges) args.Add("--no-privileges");
        args.AddRange(options.ExtraArguments);
    }

    private static RestoreResult Result(ArtifactDecoder.Decoded decoded, string version, IReadOnlyList<string> warnings, Stopwatch sw) =>
        new(decoded.StoredBytes, decoded.StoredSha256, decoded.PlainBytes, decoded.PlainSha256, decoded.Header.KeyId,
            decoded.Header.Compression, version, warnings, sw.Elapsed);

    private static IReadOnlyList<string> Dropped(SqlScriptFilter? filter) => filter?.DroppedParameters.Keys.ToList() ?? [];

    private static IEnumerable<string> FilterWarnings(SqlScriptFilter? filter, ServerVersionInfo server)
    {
        if (filter is null) yield break;
        if (filter.DroppedParameters.Count > 0)
            yield return $"Dropped SET statements for parameters PostgreSQL {server.Text} does not know: {DescribeDropped(filter)}.";
        if (filter.DroppedRestrictLines > 0)
            yield return $"Dropped {filter.DroppedRestrictLines} \\restrict/\\unrestrict line(s): the psql used predates them.";
    }

    private static string DescribeDropped(SqlScriptFilter filter) =>
        string.Join(", ", filter.DroppedParameters.Select(p => $"{p.Key} ({p.Value}×)"));

    private void LogDropped(SqlScriptFilter? filter, ServerVersionInfo server, string writer)
    {
        if (filter is null) return;
        if (filter.DroppedParameters.Count > 0)
            LogDroppedSets(_logger, filter.DroppedParameters.Values.Sum(), server.Text, DescribeDropped(filter), writer);
        if (filter.DroppedRestrictLines > 0)
            LogDroppedRestrict(_logger, filter.DroppedRestrictLines, writer);
    }

    [LoggerMessage(EventId = 4300, Level = LogLevel.Warning, Message = "Restore into {Database} aborted ({Reason}); pg_restore was stopped before the end of the archive")]
    private static partial void LogAborted(ILogger logger, string database, string reason);

    [LoggerMessage(EventId = 4301, Level = LogLevel.Information, Message = "Restored {PlainBytes} plain bytes into {Database} in {Seconds:F1} s")]
    private static partial void LogRestored(ILogger logger, string database, long plainBytes, double seconds);

    [LoggerMessage(EventId = 4302, Level = LogLevel.Information, Message = "Restoring into {Database} (server {ServerVersion}) with {ClientVersion} from {BinDirectory}, via {Path}")]
    private static partial void LogClientChosen(ILogger logger, string database, string serverVersion, string clientVersion, string binDirectory, string path);

    [LoggerMessage(EventId = 4303, Level = LogLevel.Warning, Message = "Dropped {Statements} SET statement(s) that PostgreSQL {ServerVersion} would reject, for parameters it does not know: {Parameters} (written by {Writer})")]
    private static partial void LogDroppedSets(ILogger logger, int statements, string serverVersion, string parameters, string writer);

    [LoggerMessage(EventId = 4304, Level = LogLevel.Warning, Message = "Dropped {Lines} psql restrict/unrestrict meta-command line(s) written by {Writer}: the psql used predates them")]
    private static partial void LogDroppedRestrict(ILogger logger, int lines, string writer);
}
