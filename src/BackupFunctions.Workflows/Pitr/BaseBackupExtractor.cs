using System.Formats.Tar;
using System.IO.Pipelines;
using BackupFunctions.Pipeline;
using BackupFunctions.Pipeline.Format;
using BackupFunctions.Pipeline.Keys;
using BackupFunctions.Targets;

namespace BackupFunctions.Workflows.Pitr;

/// <summary>
/// Lays a base backup down: artifact → decrypt → decompress → untar into an empty directory, as one
/// stream (never whole on disk twice). Falls back across targets; the plain SHA-256 must match the
/// manifest, or the half-written directory is emptied again.
/// </summary>
public static class BaseBackupExtractor
{
    public static async Task<string> ExtractAsync(BackupEnvironment env, BaseBackupManifest manifest, string dataDirectory, CancellationToken ct)
    {
        var errors = new List<string>();
        foreach (var target in WalTargets.Select(env).Where(t => manifest.Targets.Contains(t.Name, StringComparer.OrdinalIgnoreCase)))
        {
            try
            {
                await ExtractFromAsync(env.Keys, target, manifest, dataDirectory, ct);
                return target.Name;
            }
            catch (Exception e) when (e is TargetException or ArtifactIntegrityException or WrongKeyException or UnknownKeyException
                or InvalidDataException or IOException or FormatException)
            {
                errors.Add($"{target.Name}: {e.Message}");
                Empty(dataDirectory);
            }
        }

        throw new PitrException($"No target gave a good copy of base backup {manifest.BackupId}: {string.Join("; ", errors)}");
    }

    private static async Task ExtractFromAsync(KeyRing keys, IBackupTarget target, BaseBackupManifest manifest, string dataDirectory, CancellationToken ct)
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 8 << 20, resumeWriterThreshold: 4 << 20));
        var root = Path.GetFullPath(dataDirectory);
        var decode = Task.Run(async () =>
        {
            try
            {
                await using var artifact = await target.OpenReadAsync(manifest.ArtifactKey, null, ct);
                await using var sink = pipe.Writer.AsStream(leaveOpen: true);
                var result = await ArtifactDecoder.DecodeToAsync(artifact, keys, sink, manifest.StoredSha256, null, ct);
                if (!string.Equals(result.PlainSha256, manifest.PlainSha256, StringComparison.OrdinalIgnoreCase))
                    throw new ArtifactIntegrityException($"the base backup's tar has SHA-256 {result.PlainSha256} but its manifest says {manifest.PlainSha256}");
                await pipe.Writer.CompleteAsync();
            }
            catch (Exception e)
            {
                await pipe.Writer.CompleteAsync(e);
                throw;
            }
        }, ct);
        var untar = Task.Run(async () =>
        {
            try
            {
                await using var reader = new TarReader(pipe.Reader.AsStream(leaveOpen: true));
                while (await reader.GetNextEntryAsync(copyData: false, ct) is { } entry)
                {
                    await WriteEntryAsync(entry, root, ct);
                }

                // Drain what follows the tar's end marker, so the decoder can finish and check the hash.
                await pipe.Reader.AsStream(leaveOpen: true).CopyToAsync(Stream.Null, ct);
                await pipe.Reader.CompleteAsync();
            }
            catch (Exception e)
            {
                await pipe.Reader.CompleteAsync(e);
                throw;
            }
        }, ct);
        await Task.WhenAll(decode, untar);
    }

    private static async Task WriteEntryAsync(TarEntry entry, string root, CancellationToken ct)
    {
        var path = Path.GetFullPath(Path.Combine(root, entry.Name.TrimStart('/')));
        if (path != root && !path.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new FormatException($"The base backup holds '{entry.Name}', outside the data directory; refusing to extract it.");
        switch (entry.EntryType)
        {
            case TarEntryType.Directory:
                Directory.CreateDirectory(path);
                break;
            case TarEntryType.RegularFile or TarEntryType.V7RegularFile:
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                await entry.ExtractToFileAsync(path, overwrite: false, ct);
                break;
            case TarEntryType.SymbolicLink:
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.CreateSymbolicLink(path, entry.LinkName);
                break;
            default:
                // pg_basebackup writes only directories, files and (for tablespaces) symlinks.
                break;
        }
    }

    private static void Empty(string dataDirectory)
    {
        if (!Directory.Exists(dataDirectory)) return;
        foreach (var entry in new DirectoryInfo(dataDirectory).EnumerateFileSystemInfos())
        {
            if (entry is DirectoryInfo d) d.Delete(recursive: true);
            else entry.Delete();
        }
    }
}
