using BackupFunctions.Pipeline;
using BackupFunctions.Pipeline.Format;
using BackupFunctions.Pipeline.Manifests;
using BackupFunctions.Pipeline.Processes;
using BackupFunctions.Pipeline.Streams;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace BackupFunctions.Workflows.Operations;

/// <summary>
/// pg_dump → compress → encrypt → hash into the staging directory. The file is written under a
/// ".partial" name and renamed only after the dump succeeded, so a crash or a failed pg_dump never
/// leaves something that looks like a finished artifact.
/// </summary>
public static class DumpToStaging
{
    /// <summary>
    /// The staging file of <paramref name="backupId"/> as it is being written, for uploads that stream
    /// while the dump runs: pass it to <see cref="RunAsync"/>, and read it with <see cref="GrowingFile.OpenReader"/>.
    /// </summary>
    /// <summary>The object keys the dump of <paramref name="request"/> is stored under.</summary>
    public static BackupObjectKeys KeysFor(BackupEnvironment env, DumpRequest request) =>
        ObjectKeys.For(env.Source(request.Database).Database, request.CreatedAt, request.BackupId);

    public static GrowingFile LiveStaging(BackupEnvironment env, string backupId) => new(StagingPath(env, backupId) + ".partial");

    /// <param name="live">
    /// From <see cref="LiveStaging"/>: readers follow the dump as it is written, see the end only once the
    /// dump succeeded, and fail if it failed. The file is then left under its live name for the caller to
    /// rename once every reader is done (<see cref="FinishLive"/>): a reader that had not opened it yet would
    /// find the name gone.
    /// </param>
    /// <param name="beforeCommit">
    /// Awaited once the dump succeeded and before the artifact is finished (renamed, or its end shown to the live readers):
    /// a check that runs beside the dump (the source preflight) can still refuse it there, and then nothing is committed.
    /// </param>
    public static async Task<StagedArtifact> RunAsync(BackupEnvironment env, DumpRequest request,
        IProgress<PipelineProgress>? progress = null, CancellationToken ct = default, GrowingFile? live = null,
        Func<CancellationToken, Task>? beforeCommit = null)
    {
        var source = request.UseTenantConnection && !string.IsNullOrWhiteSpace(env.Options.Tenants.ConnectionString)
            ? PgConnectionInfo.FromConnectionString(env.Options.Tenants.ConnectionString).WithDatabase(env.Source(request.Database).Database)
            : env.Source(request.Database);
        if (request.ConnectionOptions is not null)
        {
            source = source with { Options = request.ConnectionOptions };
        }

        var keys = KeysFor(env, request);
        Directory.CreateDirectory(env.Options.StagingDirectory);
        var finalPath = StagingPath(env, request.BackupId);
        var partialPath = finalPath + ".partial";

        var compression = env.Options.Compression;
        var options = new BackupOptions(new ArtifactEncodeOptions(env.Keys.Current)
        {
            Compression = compression.Kind,
            CompressionLevel = compression.Level,
            CompressionThreads = compression.Threads ?? CompressionCodec.DefaultThreads,
            // The manifest records source.Database as the backup's database; the header must say the same.
            Identity = new ArtifactIdentity(request.BackupId, source.Database, request.CreatedAt),
        })
        {
            ExtraDumpArguments = request.ExtraDumpArguments,
            // A tenant's dump runs under row-level security as the tenant's role: one stream keeps it one session.
            DumpJobs = request.Kind == BackupKind.Full ? env.Options.Dump.EffectiveJobs : 1,
            ParallelMinDatabaseBytes = env.Options.Dump.ParallelMinBytes,
            ScratchDirectory = env.Options.StagingDirectory,
        };

        var pipeline = new BackupPipeline(env.Tools, env.LoggerFactory.CreateLogger<BackupPipeline>());
        // pg_dumpall runs beside the dump: it is short, and afterwards it would only add its latency.
        var globals = request.Kind == BackupKind.Full ? DumpGlobalsAsync(env, pipeline, source, options.Artifact, ct) : null;
        BackupResult result;
        try
        {
            // Unbuffered when readers follow the file: they may read only what has reached it.
            await using (var file = new FileStream(partialPath, FileMode.Create, FileAccess.Write, FileShare.Read, live is null ? 1 << 16 : 1, FileOptions.Asynchronous))
            {
                var output = live?.TrackWrites(file) ?? file;
                result = await pipeline.RunAsync(source, output, options, progress, ct).ConfigureAwait(false);
                // No fsync: staging is scratch. Losing it to an OS crash costs at most an upload retry
                // whose copy then fails its hash check (never a silent bad copy), while the fsync put
                // ~0.7 s per 100 MB stored on the critical path, before the streamed copies could finish.
                await output.FlushAsync(ct).ConfigureAwait(false);
            }

            if (beforeCommit is not null) await beforeCommit(ct).ConfigureAwait(false);
            live?.Complete();
            if (live is null)
            {
                File.Move(partialPath, finalPath, overwrite: true);
            }
        }
        catch (Exception e)
        {
            live?.Fail(e);
            TryDelete(partialPath);
            if (globals is not null)
                try { await globals.ConfigureAwait(false); } catch (Exception) { /* the dump's failure is the one to report */ }
            throw;
        }

        var staged = new StagedArtifact(request.BackupId, request.Kind, source.Database, request.TenantId, request.CreatedAt, finalPath, keys, result);
        return globals is null ? staged : ApplyGlobals(staged, await globals.ConfigureAwait(false));
    }

    /// <summary>Gives a staging file written with a live reader its final name, once the readers are done with it.</summary>
    public static void FinishLive(GrowingFile live, StagedArtifact staged) => File.Move(live.Path, staged.StagingPath, overwrite: true);

    /// <summary>Globals larger than this are left out of the manifest (it passes through orchestration history).</summary>
    public const int MaxGlobalsBytes = 256 * 1024;

    /// <summary>The globals of a full backup: the encrypted script, or why there is none.</summary>
    private sealed record GlobalsOutcome(string? Artifact, string? Sha256, string? Warning);

    /// <summary>
    /// Dumps the cluster globals for a full backup. A role without the rights to read them still gets its
    /// backup, with a warning: a restore onto a server that has the roles does not need them.
    /// </summary>
    private static async Task<GlobalsOutcome> DumpGlobalsAsync(BackupEnvironment env, BackupPipeline pipeline, PgConnectionInfo source,
        ArtifactEncodeOptions encode, CancellationToken ct)
    {
        try
        {
            using var buffer = new MemoryStream();
            string? rolesUsed = null;
            try
            {
                rolesUsed = await DatabaseRoleUsage.MarkerLineAsync(source, ct).ConfigureAwait(false);
            }
            catch (NpgsqlException)
            {
                // Without the list a restore recreates every missing role of the cluster, as backups before it did.
            }

            // One thread is plenty for a few kilobytes, and leaves the cores to the main dump.
            var globals = await pipeline.DumpGlobalsAsync(source, buffer, encode with { CompressionThreads = 0 },
                env.Options.Source.IncludeRolePasswords, client: null, ct, appendSql: rolesUsed).ConfigureAwait(false);
            if (buffer.Length > MaxGlobalsBytes)
            {
                return new(null, null, $"Cluster globals are {buffer.Length} bytes encrypted, more than {MaxGlobalsBytes}; not stored in the manifest.");
            }

            return new(Convert.ToBase64String(buffer.GetBuffer(), 0, (int)buffer.Length), globals.StoredSha256, null);
        }
        catch (PgOperationException e)
        {
            return new(null, null, "Cluster globals (roles) were not backed up: " + e.Message);
        }
    }

    private static StagedArtifact ApplyGlobals(StagedArtifact staged, GlobalsOutcome globals) =>
        staged with { GlobalsArtifact = globals.Artifact, GlobalsSha256 = globals.Sha256, GlobalsWarning = globals.Warning };

    public static string StagingPath(BackupEnvironment env, string backupId)
    {
        ObjectKeys.ValidateBackupId(backupId);
        return Path.Combine(env.Options.StagingDirectory, backupId + ".bfa");
    }

    /// <summary>Removes a backup's staging files (finished or partial); safe to call twice.</summary>
    public static void Cleanup(BackupEnvironment env, string backupId)
    {
        var path = StagingPath(env, backupId);
        TryDelete(path);
        TryDelete(path + ".partial");
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Staging files are scratch; a leftover is cleaned by the next run of this backup id.
        }
    }
}
