using BackupFunctions.Pipeline.Format;
using System.Formats.Tar;
using System.IO.Pipelines;
using BackupFunctions.Pipeline;
using BackupFunctions.Pipeline.Inspection;
using BackupFunctions.Pipeline.Manifests;

namespace BackupFunctions.Workflows.Operations;

/// <summary>
/// Configuration files through the same pipeline as a dump: a tar stream (written as it is read,
/// never whole in memory) → compress → encrypt → hash into staging. Missing paths fail the run
/// rather than silently backing up less than asked.
/// </summary>
public static class ArchiveFilesToStaging
{
    public const string FilesDatabase = "_files";

    public static async Task<StagedArtifact> RunAsync(BackupEnvironment env, string backupId, DateTimeOffset createdAt,
        IReadOnlyList<string> paths, CancellationToken ct = default)
    {
        var missing = paths.Where(p => !File.Exists(p) && !Directory.Exists(p)).ToList();
        if (paths.Count == 0 || missing.Count > 0)
        {
            throw new ArgumentException(paths.Count == 0
                ? "No files are configured: set BackupFunctions:Files:Paths."
                : $"These configured paths do not exist: {string.Join(", ", missing)}.");
        }

        Directory.CreateDirectory(env.Options.StagingDirectory);
        var finalPath = DumpToStaging.StagingPath(env, backupId);
        var partial = finalPath + ".partial";
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 4 << 20, resumeWriterThreshold: 2 << 20));
        var started = DateTimeOffset.UtcNow;
        var writer = Task.Run(async () =>
        {
            try
            {
                await using (var tar = new TarWriter(pipe.Writer.AsStream(leaveOpen: true), TarEntryFormat.Pax, leaveOpen: true))
                {
                    foreach (var path in paths)
                    {
                        await AddAsync(tar, Path.GetFullPath(path), ct);
                    }
                }

                await pipe.Writer.CompleteAsync();
            }
            catch (Exception e)
            {
                await pipe.Writer.CompleteAsync(e);
                throw;
            }
        }, ct);

        var options = new ArtifactEncodeOptions(env.Keys.Current)
        {
            Compression = env.Options.Compression.Kind,
            CompressionLevel = env.Options.Compression.Level,
            Identity = new ArtifactIdentity(backupId, FilesDatabase, createdAt),
        };
        ArtifactEncodeResult encoded;
        try
        {
            await using (var output = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
            {
                encoded = await ArtifactEncoder.EncodeAsync(pipe.Reader.AsStream(), output, options, _ => writer, null, ct);
                output.Flush(flushToDisk: true);
            }

            File.Move(partial, finalPath, overwrite: true);
        }
        catch
        {
            File.Delete(partial);
            throw;
        }

        var completed = DateTimeOffset.UtcNow;
        var result = new BackupResult(encoded.RawBytes, encoded.CompressedBytes, encoded.StoredBytes, encoded.StoredSha256, encoded.PlainSha256,
            encoded.KeyId, encoded.Compression, encoded.CompressionLevel, encoded.ChunkSize, encoded.FormatVersion, "tar (pax)",
            new ServerVersionInfo(0, "n/a"), new Dictionary<string, long> { ["files"] = paths.Count }, started, completed, completed - started);
        return new StagedArtifact(backupId, BackupKind.Files, FilesDatabase, null, createdAt, finalPath,
            ObjectKeys.For(FilesDatabase, createdAt, backupId), result);
    }

    private static async Task AddAsync(TarWriter tar, string path, CancellationToken ct)
    {
        var name = path.TrimStart('/');
        if (File.Exists(path))
        {
            await tar.WriteEntryAsync(path, name, ct);
            return;
        }

        foreach (var entry in Directory.EnumerateFileSystemEntries(path, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            if (File.Exists(entry))
            {
                await tar.WriteEntryAsync(entry, entry.TrimStart('/'), ct);
            }
        }
    }
}
