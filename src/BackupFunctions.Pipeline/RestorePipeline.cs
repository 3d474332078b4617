using System.Diagnostics;
using BackupFunctions.Pipeline.Format;
using BackupFunctions.Pipeline.Inspection;
using BackupFunctions.Pipeline.Keys;
using BackupFunctions.Pipeline.Processes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BackupFunctions.Pipeline;

/// <summary>
/// Artifact stream → hash + authenticate + decrypt → decompress → pg_restore's stdin. A damaged
/// artifact stops the feed and kills pg_restore before the end of the archive reaches it (chunks are
/// authenticated before release; the whole-object hash is checked before the last chunks go out),
/// and with <see cref="RestoreOptions.SingleTransaction"/> the target is left untouched.
/// </summary>
public sealed partial class RestorePipeline(PgToolRunner runner, ILogger<RestorePipeline>? logger = null)
{
    private readonly ILogger _logger = (ILogger?)logger ?? NullLogger.Instance;

    public async Task<RestoreResult> RunAsync(Stream artifact, KeyRing keys, PgConnectionInfo target, RestoreOptions options,
        IProgress<PipelineProgress>? progress = null, CancellationToken ct = default)
    {
        var sw = Stopwatch.StartNew();
        var client = options.Client;
        if (client is null)
        {
            var server = await new DatabaseInspector(target).GetServerVersionAsync(ct).ConfigureAwait(false);
            client = runner.Locator.ForServer(server.Major) ?? runner.Locator.Default;
        }
        var version = await runner.GetVersionAsync(PgTool.PgRestore, client, ct).ConfigureAwait(false);

        var args = new List<string>();
        if (options.ExitOnError) args.Add("--exit-on-error");
        if (options.SingleTransaction) args.Add("--single-transaction");
        if (options.NoOwner) args.Add("--no-owner");
        if (options.NoPrivileges) args.Add("--no-privileges");
        args.AddRange(options.ExtraArguments);

        await using var restore = runner.Start(PgTool.PgRestore, target, args, openStdin: true, client: client);
        var stdin = restore.StandardInput;
        ArtifactDecoder.Decoded decoded;
        try
        {
            decoded = await ArtifactDecoder.DecodeAsync(artifact, keys, options.ExpectedStoredSha256, options.ExpectedPlainSha256,
                async (m, t) =>
                {
                    try { await stdin.WriteAsync(m, t).ConfigureAwait(false); }
                    catch (IOException e) { throw new RestoreInputClosedException(e); }
                }, options.StageBufferBytes, progress, ct).ConfigureAwait(false);
        }
        catch (RestoreInputClosedException e)
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

        try { await stdin.DisposeAsync().ConfigureAwait(false); }
        catch (IOException) { /* exited already; WaitForSuccess reports it */ }
        await restore.WaitForSuccessAsync(ct).ConfigureAwait(false);
        var warnings = restore.StderrExcerpt.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        LogRestored(_logger, target.ToString(), decoded.PlainBytes, sw.Elapsed.TotalSeconds);
        return new RestoreResult(decoded.StoredBytes, decoded.StoredSha256, decoded.PlainBytes, decoded.PlainSha256, decoded.Header.KeyId,
            decoded.Header.Compression, version, warnings, sw.Elapsed);
    }

    [LoggerMessage(EventId = 4300, Level = LogLevel.Warning, Message = "Restore into {Database} aborted ({Reason}); pg_restore was stopped before the end of the archive")]
    private static partial void LogAborted(ILogger logger, string database, string reason);

    [LoggerMessage(EventId = 4301, Level = LogLevel.Information, Message = "Restored {PlainBytes} plain bytes into {Database} in {Seconds:F1} s")]
    private static partial void LogRestored(ILogger logger, string database, long plainBytes, double seconds);

    private sealed class RestoreInputClosedException(IOException inner) : Exception("pg_restore closed its input.", inner);
}
