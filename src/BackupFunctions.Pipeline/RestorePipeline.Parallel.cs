using System.Diagnostics;
using System.Globalization;
using System.Runtime.ExceptionServices;
using BackupFunctions.Pipeline.Archive;
using BackupFunctions.Pipeline.Inspection;
using BackupFunctions.Pipeline.Keys;
using BackupFunctions.Pipeline.Processes;
using BackupFunctions.Pipeline.RowCounts;
using BackupFunctions.Pipeline.Streams;
using Microsoft.Extensions.Logging;

namespace BackupFunctions.Pipeline;

/// <summary>
/// The parallel restore: artifact → every check of the decoder → a plain dump file in the staging
/// directory → data offsets patched in (<see cref="CustomArchiveOffsets"/>) → <c>pg_restore -j N</c>.
/// </summary>
/// <remarks>
/// pg_restore starts only after the whole artifact decoded and both hashes matched, so a damaged
/// artifact restores nothing. pg_restore -j cannot run in one transaction: a failure part-way leaves
/// part of the data behind, which is why <see cref="RestoreOptions.Jobs"/> is for databases the caller
/// created and drops on failure. The file is deleted in every case.
/// </remarks>
public sealed partial class RestorePipeline
{
    /// <summary>Room kept free beyond the dump itself, for the server's own writes on the same disk.</summary>
    private const long StagingHeadroomBytes = 64L << 20;

    private bool StagingFits(PgConnectionInfo target, RestoreOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.StagingDirectory) || options.PlainBytes is not { } plain)
        {
            LogParallelSkipped(_logger, target.ToString(), options.Jobs, "no staging directory or plain size was given");
            return false;
        }

        long free;
        try
        {
            Directory.CreateDirectory(options.StagingDirectory);
            free = ScratchSpace.FreeBytes(options.StagingDirectory, options.FreeSpaceProbe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            // A staging directory that cannot be used is no reason to fail: the stream needs no disk.
            LogParallelSkipped(_logger, target.ToString(), options.Jobs, $"the staging directory {options.StagingDirectory} cannot be used ({e.Message})");
            return false;
        }

        if (free >= plain + StagingHeadroomBytes) return true;
        LogNotEnoughDisk(_logger, target.ToString(), options.Jobs, options.StagingDirectory, free, plain + StagingHeadroomBytes);
        return false;
    }

    private async Task<RestoreResult> RunParallelAsync(Stream artifact, KeyRing keys, PgConnectionInfo target, RestoreOptions options,
        ServerVersionInfo server, PgClientInstallation client, string version, IProgress<PipelineProgress>? progress, Stopwatch sw, CancellationToken ct)
    {
        var path = Path.Combine(options.StagingDirectory!, $"restore-{Guid.NewGuid():N}.dump");
        var overlap = options.OverlapDecode && options.ExtraArguments.Count == 0;
        var staged = overlap ? new GrowingFile(path) : null;
        // A failed schema or data batch stops the decode at once instead of at its end.
        using var failFast = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var data = overlap ? new OverlappedDataRestore(runner, RestoreDurability.Deferred(target), client, path, options.Jobs, _ => failFast.Cancel(), _logger, ct,
            options.TablesLoaded, options.TableDataBytes) : null;
        PreDataRestore? schema = null;
        try
        {
            ArtifactDecoder.Decoded decoded;
            OffsetPatchResult? patched = null;
            FileStream file;
            var decoding = PlainDumpFile.DecodeAsync(artifact, keys, path, options, progress, failFast.Token, staged, data?.Observer);
            try
            {
                // The file exists once DecodeAsync returned its task (it creates it before the first await).
                if (staged is not null)
                {
                    schema = StartSchema(target, options, client, staged, ct);
                    data!.Begin(schema.WaitAsync(failFast.Token));
                }
                (file, decoded) = await decoding.ConfigureAwait(false);
                LogDecoded(_logger, target.ToString(), decoded.PlainBytes, sw.Elapsed.TotalSeconds);
                if (data is not null) await data.FinishAsync(ct).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                // Damaged, truncated, wrong key, cancelled, or the schema or a data batch failed: stop pg_restore; the caller drops the database.
                if (schema is not null) await schema.AbortAsync().ConfigureAwait(false);
                if (data is not null) await data.AbortAsync().ConfigureAwait(false);
                if (schema is not null) LogAborted(_logger, target.ToString(), e.GetType().Name);
                if (!decoding.IsCompleted) await CaptureAsync(decoding).ConfigureAwait(false);
                else if (decoding.IsCompletedSuccessfully) await decoding.Result.File.DisposeAsync().ConfigureAwait(false);
                // The decode was stopped because pg_restore failed: that failure is the one to report.
                if (e is OperationCanceledException && !ct.IsCancellationRequested && data?.Failure is { } cause and not OperationCanceledException)
                    ExceptionDispatchInfo.Throw(cause);
                throw;
            }

            var remaining = data is null ? null : Remaining(data);
            if (remaining is { Count: 0 })
            {
                await file.DisposeAsync().ConfigureAwait(false);
                return await FinishOverlappedAsync(data!, decoded, target, options, server, client, version, sw, ct).ConfigureAwait(false);
            }

            // What the batches left may read no data block (sequence values, ACLs, foreign keys): then no offsets are needed.
            var readsData = remaining is null || FinalRestoreWork.ReadsData(data!.Observer.Toc, remaining);
            await using (file)
            {
                try
                {
                    if (readsData) patched = CustomArchiveOffsets.Patch(file);
                }
                catch (ArchiveFormatException e)
                {
                    LogPatchRefused(_logger, target.ToString(), e.Message);
                }
            }

            var jobs = remaining is null || FinalRestoreWork.NeedsJobs(data!.Observer.Toc, remaining) ? options.Jobs : 1;
            if (patched is not null) LogParallel(_logger, target.ToString(), jobs, patched.Patched, patched.ArchiveVersion);
            else if (!readsData) LogRestWithoutData(_logger, target.ToString(), remaining!.Count, jobs);
            if (data is not null && data.Restored.Count > 0)
                LogDataOverlapped(_logger, target.ToString(), data.Restored.Count, data.RestoredBytes);
            return await RestoreFromPathAsync(path, patched is not null || !readsData, decoded, target, options, server, client, version, sw, ct,
                schemaDone: schema is not null, remaining: remaining, jobs: jobs).ConfigureAwait(false);
        }
        finally
        {
            if (schema is not null) await schema.DisposeAsync().ConfigureAwait(false);
            if (data is not null) await data.DisposeAsync().ConfigureAwait(false);
            TryDelete(path);
        }
    }

    /// <summary>
    /// The TOC's entries after the pre-data section (which the schema step restored) that the overlap did not, in TOC
    /// order; null when it loaded no data (then nothing needs listing).
    /// </summary>
    private static IReadOnlyList<int>? Remaining(OverlappedDataRestore data)
    {
        if (data.Restored.Count == 0) return null;
        var done = data.Done;
        return [.. data.Observer.Toc.Where(e => e.Section != DumpTocEntry.PreDataSection && !done.Contains(e.DumpId)).Select(e => e.DumpId)];
    }

    /// <summary>
    /// The overlap restored every entry: no offsets to add and no final pg_restore to start (at 1 GB that pg_restore -j,
    /// with nothing to do but start its workers, took 0.1 s). What is left is the one commit that makes it durable.
    /// </summary>
    private async Task<RestoreResult> FinishOverlappedAsync(OverlappedDataRestore data, ArtifactDecoder.Decoded decoded, PgConnectionInfo target,
        RestoreOptions options, ServerVersionInfo server, PgClientInstallation client, string version, Stopwatch sw, CancellationToken ct)
    {
        LogDataOverlapped(_logger, target.ToString(), data.Restored.Count, data.RestoredBytes);
        LogNothingLeft(_logger, target.ToString());
        await RestoreDurability.MakeDurableAsync(target, ct).ConfigureAwait(false);
        LogRestored(_logger, target.ToString(), decoded.PlainBytes, sw.Elapsed.TotalSeconds);
        return Result(decoded, version, [], sw) with { ServerVersion = server.Text, ClientBinDirectory = client.BinDirectory, Mode = RestoreModes.Parallel(options.Jobs) };
    }

    private PreDataRestore StartSchema(PgConnectionInfo target, RestoreOptions options, PgClientInstallation client, GrowingFile staged, CancellationToken ct)
    {
        var args = new List<string>();
        AddContentArguments(args, options);
        LogSchemaOverlap(_logger, target.ToString());
        return PreDataRestore.Start(runner, RestoreDurability.Deferred(target), client, staged, args, ct);
    }

    /// <summary>pg_restore from a checked archive on disk: -j when <paramref name="parallel"/>, else one pg_restore (in one transaction if asked).</summary>
    /// <param name="schemaDone">The pre-data section was restored already (<see cref="PreDataRestore"/>): only data and post-data are left.</param>
    /// <param name="jobs">pg_restore's jobs when <paramref name="parallel"/> (default <see cref="RestoreOptions.Jobs"/>).</param>
    private async Task<RestoreResult> RestoreFromPathAsync(string path, bool parallel, ArtifactDecoder.Decoded decoded, PgConnectionInfo target,
        RestoreOptions options, ServerVersionInfo server, PgClientInstallation client, string version, Stopwatch sw, CancellationToken ct,
        bool schemaDone = false, IReadOnlyList<int>? remaining = null, int? jobs = null)
    {
        var args = new List<string>();
        if (schemaDone) args.AddRange(["--section=data", "--section=post-data"]);
        string? list = null;
        if (remaining is not null)
        {
            // Only what the overlap did not load: pg_restore -L restores the listed entries, in the sections asked for.
            list = path + ".rest.list";
            // Not cancellable: the finally below deletes it only once this method gets there.
            await File.WriteAllLinesAsync(list, remaining.Select(id => id.ToString(CultureInfo.InvariantCulture)), CancellationToken.None).ConfigureAwait(false);
            args.Add("--use-list=" + list);
        }
        if (options.ExitOnError) args.Add("--exit-on-error");
        if (parallel) args.Add("--jobs=" + (jobs ?? options.Jobs));
        // Without -j: one pg_restore, in one transaction as the stream would be.
        else if (options.SingleTransaction) args.Add("--single-transaction");
        AddContentArguments(args, options);
        args.Add(path);

        try
        {
            // pg_restore -j commits each statement on its own: without waiting for each flush, then once for all at the end.
            await using var restore = runner.Start(PgTool.PgRestore, parallel ? RestoreDurability.Deferred(target) : target, args, client: client);
            var result = await FinishAsync(restore, decoded, target, server, client, version, sw, parallel ? RestoreModes.Parallel(options.Jobs)
                : options.SingleTransaction ? RestoreModes.FileSingleTransaction : RestoreModes.Stream, ct).ConfigureAwait(false);
            if (parallel) await RestoreDurability.MakeDurableAsync(target, ct).ConfigureAwait(false);
            return result;
        }
        finally
        {
            if (list is not null) TryDelete(list);
        }
    }

    private void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            LogStagedFileLeft(_logger, path, e.Message);
        }
    }

    [LoggerMessage(EventId = 4305, Level = LogLevel.Warning, Message = "Restore into {Database}: not parallel (-j {Jobs}) because {StagingDirectory} has {FreeBytes} bytes free and the dump needs {NeededBytes}; streaming in one transaction instead")]
    private static partial void LogNotEnoughDisk(ILogger logger, string database, int jobs, string stagingDirectory, long freeBytes, long neededBytes);

    [LoggerMessage(EventId = 4306, Level = LogLevel.Warning, Message = "Restore into {Database}: not parallel (-j {Jobs}) because {Reason}; streaming in one transaction instead")]
    private static partial void LogParallelSkipped(ILogger logger, string database, int jobs, string reason);

    [LoggerMessage(EventId = 4307, Level = LogLevel.Warning, Message = "Restore into {Database}: the dump's data offsets could not be added ({Reason}); restoring it with one pg_restore in one transaction")]
    private static partial void LogPatchRefused(ILogger logger, string database, string reason);

    [LoggerMessage(EventId = 4308, Level = LogLevel.Information, Message = "Restoring into {Database} with pg_restore -j {Jobs} ({Patched} data offsets added to archive version {ArchiveVersion})")]
    private static partial void LogParallel(ILogger logger, string database, int jobs, int patched, string archiveVersion);

    [LoggerMessage(EventId = 4313, Level = LogLevel.Information, Message = "Restore into {Database}: creating the schema from the archive's table of contents while the rest of the artifact decodes")]
    private static partial void LogSchemaOverlap(ILogger logger, string database);

    [LoggerMessage(EventId = 4314, Level = LogLevel.Information, Message = "Restore into {Database}: the data of {Tables} tables ({Bytes} bytes of the dump) was loaded while the artifact decoded")]
    private static partial void LogDataOverlapped(ILogger logger, string database, int tables, long bytes);

    [LoggerMessage(EventId = 4319, Level = LogLevel.Information, Message = "Restore into {Database}: {Entries} entries left after the batches read no data; restoring them with pg_restore -j {Jobs}, without data offsets")]
    private static partial void LogRestWithoutData(ILogger logger, string database, int entries, int jobs);

    [LoggerMessage(EventId = 4318, Level = LogLevel.Information, Message = "Restore into {Database}: the schema and the batches restored every entry of the archive; no final pg_restore is needed")]
    private static partial void LogNothingLeft(ILogger logger, string database);

    [LoggerMessage(EventId = 4316, Level = LogLevel.Information, Message = "Restore into {Database}: the artifact is decoded and passed every check ({PlainBytes} plain bytes, {Seconds:F2} s after the restore began)")]
    private static partial void LogDecoded(ILogger logger, string database, long plainBytes, double seconds);

    [LoggerMessage(EventId = 4309, Level = LogLevel.Warning, Message = "Could not delete the staged plain dump {Path}: {Reason}")]
    private static partial void LogStagedFileLeft(ILogger logger, string path, string reason);
}
