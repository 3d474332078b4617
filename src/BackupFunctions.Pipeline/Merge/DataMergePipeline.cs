using System.Diagnostics;
using System.Text;
using BackupFunctions.Pipeline.Inspection;
using BackupFunctions.Pipeline.Keys;
using BackupFunctions.Pipeline.Processes;
using BackupFunctions.Pipeline.Scripts;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BackupFunctions.Pipeline.Merge;

/// <summary>
/// Loads only data from an artifact into a database that already has the schema (and other rows):
/// artifact → decrypt → a private dump file → <c>pg_restore --list</c> → the caller's
/// <see cref="DataMergePlan"/> → psql, in one transaction: the plan's prologue, then
/// <c>pg_restore --data-only --use-list -f -</c> for the chosen entries, then its epilogue.
/// </summary>
/// <remarks>
/// The dump is decoded to a file first because a list file can reorder the data (parents before
/// children of a foreign key), and pg_restore can reorder only a seekable archive. The file is the
/// plain dump: it is created 0600 in the caller's work directory, and the caller deletes that directory.
/// The client is chosen by the server's version as in <see cref="RestorePipeline"/>, and a newer
/// pg_restore's script goes through <see cref="SqlScriptFilter"/>. psql sees the end of its input
/// only when everything succeeded; on any failure it is killed, so the target is left as it was.
/// </remarks>
public sealed partial class DataMergePipeline(PgToolRunner runner, ILogger<DataMergePipeline>? logger = null)
{
    private readonly ILogger _logger = (ILogger?)logger ?? NullLogger.Instance;

    public async Task<DataMergeResult> RunAsync(Stream artifact, KeyRing keys, PgConnectionInfo target, RestoreOptions options, string workDirectory,
        Func<IReadOnlyList<TocEntry>, CancellationToken, Task<DataMergePlan>> plan, CancellationToken ct = default)
    {
        var sw = Stopwatch.StartNew();
        var inspector = new DatabaseInspector(target);
        var server = await inspector.GetServerVersionAsync(ct).ConfigureAwait(false);
        var client = options.Client ?? runner.Locator.ForRestore(server.Major);
        var version = await runner.GetVersionAsync(PgTool.PgRestore, client, ct).ConfigureAwait(false);
        var filter = SetFilter.IsNeeded(options.SetFilter, PgClientVersion.Parse(version)?.Major ?? client.Major, server.Major);

        var listPath = Path.Combine(workDirectory, "merge.list");
        var (dumpPath, decoded) = await DecodeAsync(artifact, keys, options, workDirectory, ct).ConfigureAwait(false);

        var toc = ArchiveToc.Parse(await runner.RunAsync(PgTool.PgRestore, null, ["--list", dumpPath], client: client, ct: ct).ConfigureAwait(false));
        var merge = await plan(toc, ct).ConfigureAwait(false);
        await File.WriteAllTextAsync(listPath, ArchiveToc.WriteList(merge.Load), ct).ConfigureAwait(false);
        LogMerging(_logger, target.ToString(), server.Text, version, client.BinDirectory, merge.Load.Count, filter);

        var known = filter ? await inspector.GetParameterNamesAsync(ct).ConfigureAwait(false) : null;
        await using var psql = await PsqlSession.StartAsync(runner, target, options with { SingleTransaction = true, ExitOnError = true },
            client, known, ct).ConfigureAwait(false);
        PgToolProcess? restore = null;
        try
        {
            await psql.PumpAsync(Script(merge.Prologue), ct).ConfigureAwait(false);
            // pg_restore only writes the script here: no connection, so no password in its environment.
            restore = runner.Start(PgTool.PgRestore, null, ["--file=-", "--data-only", "--use-list=" + listPath, dumpPath], client: client);
            await psql.PumpAsync(restore.StandardOutput, ct).ConfigureAwait(false);
            await restore.WaitForSuccessAsync(ct).ConfigureAwait(false);
            await psql.PumpAsync(Script(merge.Epilogue), ct).ConfigureAwait(false);
        }
        catch (ChildInputClosedException e)
        {
            // psql stopped on an error of its own (a check, a constraint): that error says why. Nothing was committed.
            restore?.Kill();
            throw await psql.FailureAfterInputClosedAsync(e).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // psql first, so it never sees the end of its input and never commits.
            psql.Abort();
            restore?.Kill();
            LogAborted(_logger, target.ToString(), e.GetType().Name);
            throw;
        }
        finally
        {
            if (restore is not null)
            {
                await restore.DisposeAsync().ConfigureAwait(false);
            }
        }

        await psql.CommitAsync(ct).ConfigureAwait(false);
        var dropped = psql.Filter?.DroppedParameters.Keys.ToList() ?? [];
        var warnings = psql.StderrLines.ToList();
        if (dropped.Count > 0)
        {
            warnings.Insert(0, $"Dropped SET statements for parameters PostgreSQL {server.Text} does not know: {string.Join(", ", dropped)}.");
        }

        return new DataMergeResult(decoded.StoredBytes, decoded.PlainBytes, server.Text, version, psql.VersionText, client.BinDirectory,
            filter, dropped, warnings, sw.Elapsed);
    }

    /// <summary>Into a file, or (a parallel dump) a directory archive; either is what pg_restore is given.</summary>
    private static async Task<(string Path, ArtifactDecoder.Decoded Decoded)> DecodeAsync(Stream artifact, KeyRing keys, RestoreOptions options,
        string workDirectory, CancellationToken ct)
    {
        if (DumpFormats.IsDirectory(options.DumpFormat))
        {
            var directory = Path.Combine(workDirectory, "merge.d");
            return (directory, await PlainDumpFile.UnpackAsync(artifact, keys, directory, options, null, ct).ConfigureAwait(false));
        }

        var dumpPath = Path.Combine(workDirectory, "merge.dump");
        var (file, decoded) = await PlainDumpFile.DecodeAsync(artifact, keys, dumpPath, options, null, ct).ConfigureAwait(false);
        await file.DisposeAsync().ConfigureAwait(false);
        return (dumpPath, decoded);
    }

    private static MemoryStream Script(string sql) => new(Encoding.UTF8.GetBytes(sql.EndsWith('\n') ? sql : sql + "\n"), writable: false);

    [LoggerMessage(EventId = 4310, Level = LogLevel.Information, Message = "Merging data into {Database} (server {ServerVersion}) with {ClientVersion} from {BinDirectory}: {Entries} table data entries, SET filter {Filtered}")]
    private static partial void LogMerging(ILogger logger, string database, string serverVersion, string clientVersion, string binDirectory, int entries, bool filtered);

    [LoggerMessage(EventId = 4311, Level = LogLevel.Warning, Message = "Data merge into {Database} aborted ({Reason}); psql was stopped before it could commit")]
    private static partial void LogAborted(ILogger logger, string database, string reason);
}
