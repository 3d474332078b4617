using BackupFunctions.Pipeline;
using BackupFunctions.Pipeline.Manifests;
using BackupFunctions.Pipeline.Processes;
using Microsoft.Extensions.Logging;

namespace BackupFunctions.Workflows.Operations;

/// <summary>
/// pg_dump → compress → encrypt → hash into the staging directory. The file is written under a
/// ".partial" name and renamed only after the dump succeeded, so a crash or a failed pg_dump never
/// leaves something that looks like a finished artifact.
/// </summary>
public static class DumpToStaging
{
    public static async Task<StagedArtifact> RunAsync(BackupEnvironment env, DumpRequest request,
        IProgress<PipelineProgress>? progress = null, CancellationToken ct = default)
    {
        var source = request.UseTenantConnection && !string.IsNullOrWhiteSpace(env.Options.Tenants.ConnectionString)
            ? PgConnectionInfo.FromConnectionString(env.Options.Tenants.ConnectionString).WithDatabase(env.Source(request.Database).Database)
            : env.Source(request.Database);
        if (request.ConnectionOptions is not null)
        {
            source = source with { Options = request.ConnectionOptions };
        }

        var keys = ObjectKeys.For(source.Database, request.CreatedAt, request.BackupId);
        Directory.CreateDirectory(env.Options.StagingDirectory);
        var finalPath = StagingPath(env, request.BackupId);
        var partialPath = finalPath + ".partial";

        var compression = env.Options.Compression;
        var options = new BackupOptions(new ArtifactEncodeOptions(env.Keys.Current)
        {
            Compression = compression.Kind,
            CompressionLevel = compression.Level,
            CompressionThreads = compression.Threads,
        })
        {
            ExtraDumpArguments = request.ExtraDumpArguments,
        };

        var pipeline = new BackupPipeline(env.Tools, env.LoggerFactory.CreateLogger<BackupPipeline>());
        BackupResult result;
        try
        {
            await using (var output = new FileStream(partialPath, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
            {
                result = await pipeline.RunAsync(source, output, options, progress, ct).ConfigureAwait(false);
                await output.FlushAsync(ct).ConfigureAwait(false);
                output.Flush(flushToDisk: true);
            }

            File.Move(partialPath, finalPath, overwrite: true);
        }
        catch
        {
            TryDelete(partialPath);
            throw;
        }

        var staged = new StagedArtifact(request.BackupId, request.Kind, source.Database, request.TenantId, request.CreatedAt, finalPath, keys, result);
        return request.Kind == BackupKind.Full ? await WithGlobalsAsync(env, pipeline, source, options.Artifact, staged, ct).ConfigureAwait(false) : staged;
    }

    /// <summary>Globals larger than this are left out of the manifest (it passes through orchestration history).</summary>
    public const int MaxGlobalsBytes = 256 * 1024;

    /// <summary>
    /// Adds the cluster globals to a full backup. A role without the rights to read them still gets its
    /// backup, with a warning: a restore onto a server that has the roles does not need them.
    /// </summary>
    private static async Task<StagedArtifact> WithGlobalsAsync(BackupEnvironment env, BackupPipeline pipeline, PgConnectionInfo source,
        ArtifactEncodeOptions encode, StagedArtifact staged, CancellationToken ct)
    {
        try
        {
            using var buffer = new MemoryStream();
            var globals = await pipeline.DumpGlobalsAsync(source, buffer, encode, env.Options.Source.IncludeRolePasswords, client: null, ct).ConfigureAwait(false);
            if (buffer.Length > MaxGlobalsBytes)
            {
                return staged with { GlobalsWarning = $"Cluster globals are {buffer.Length} bytes encrypted, more than {MaxGlobalsBytes}; not stored in the manifest." };
            }

            return staged with { GlobalsArtifact = Convert.ToBase64String(buffer.GetBuffer(), 0, (int)buffer.Length), GlobalsSha256 = globals.StoredSha256 };
        }
        catch (PgOperationException e)
        {
            return staged with { GlobalsWarning = "Cluster globals (roles) were not backed up: " + e.Message };
        }
    }

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
