using System.Diagnostics;
using System.Formats.Tar;
using BackupFunctions.Pipeline;
using BackupFunctions.Pipeline.Format;
using BackupFunctions.Pipeline.Manifests;
using BackupFunctions.Targets;
using BackupFunctions.Workflows.Catalog;

namespace BackupFunctions.Workflows.Restore;

/// <summary>
/// Restores a files (configuration) backup into a directory, the way <c>tar -C DIR -x</c> would: each file under
/// DIR at its original path (without the leading '/'), with its mode. The artifact is first decoded whole into the
/// staging directory (every chunk authenticated, the SHA-256 checked), so a damaged copy writes nothing and the next
/// target is tried. The directory must be new or empty, files are created, never overwritten, and an entry whose name
/// would leave the directory is refused.
/// </summary>
public sealed class FilesRestorer(BackupEnvironment env)
{
    public async Task<FilesRestoreResult> RunAsync(CatalogEntry entry, string directory, CancellationToken ct = default)
    {
        var manifest = entry.Manifest;
        var sw = Stopwatch.StartNew();
        if (manifest.Kind != BackupKind.Files)
        {
            throw new ArgumentException($"Backup {manifest.BackupId} is a {manifest.Kind.ToString().ToLowerInvariant()} backup, not a files backup: restore it into a database.");
        }

        var root = Path.GetFullPath(directory);
        if (Directory.Exists(root) && Directory.EnumerateFileSystemEntries(root).Any())
        {
            throw new ArgumentException($"The directory '{root}' is not empty: a files restore writes only into a new or empty directory, so it never overwrites a file.");
        }

        Staging.StagingArea.CreateOrCheck(env.Options.StagingDirectory);
        var attempts = new List<RestoreAttempt>();
        foreach (var targetName in entry.VerifiedTargets.Concat(entry.FoundIn).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            var target = env.FindTarget(targetName);
            if (target is null)
            {
                continue;
            }

            var tarPath = Path.Combine(env.Options.StagingDirectory, $"restore-{Guid.NewGuid():N}.dump");
            try
            {
                var attempt = Stopwatch.StartNew();
                try
                {
                    await DecodeAsync(target, manifest, tarPath, ct);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // Nothing is extracted before a whole, checked decode: the next target may serve the backup.
                    attempts.Add(new RestoreAttempt(target.Name, false, e.Message, attempt.Elapsed) { Damaged = e is ArtifactIntegrityException });
                    continue;
                }

                attempts.Add(new RestoreAttempt(target.Name, true, null, attempt.Elapsed));
                // A failure from here on (a full disk, a refused entry) is not the copy's: it propagates rather than
                // extracting another target's copy over a half-written directory.
                var (files, bytes, skipped) = await ExtractAsync(tarPath, root, ct);
                return new FilesRestoreResult(manifest.BackupId, root, true, target.Name, files, bytes, skipped, attempts, sw.Elapsed, null);
            }
            finally
            {
                File.Delete(tarPath);
            }
        }

        return new FilesRestoreResult(manifest.BackupId, root, false, null, 0, 0, [], attempts, sw.Elapsed,
            attempts.Count == 0
                ? $"No configured target holds backup {manifest.BackupId} (found in: {string.Join(", ", entry.FoundIn)})."
                : $"No target could serve backup {manifest.BackupId}: {string.Join("; ", attempts.Select(a => $"{a.Target}: {a.Error}"))}");
    }

    private async Task DecodeAsync(IBackupTarget target, BackupManifest manifest, string tarPath, CancellationToken ct)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Options = FileOptions.Asynchronous };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        await using var artifact = await target.OpenReadAsync(manifest.ArtifactKey, null, ct);
        await using var tar = new FileStream(tarPath, options);
        await ArtifactDecoder.DecodeToAsync(artifact, env.Keys, tar, manifest.StoredSha256, null, ct);
    }

    private static async Task<(int Files, long Bytes, List<string> Skipped)> ExtractAsync(string tarPath, string root, CancellationToken ct)
    {
        Directory.CreateDirectory(root);
        var prefix = root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar;
        var files = 0;
        long bytes = 0;
        var skipped = new List<string>();
        await using var input = File.OpenRead(tarPath);
        await using var reader = new TarReader(input);
        while (await reader.GetNextEntryAsync(copyData: false, ct) is { } item)
        {
            if (item.EntryType is TarEntryType.Directory)
            {
                continue;
            }

            if (item.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile))
            {
                skipped.Add($"{item.Name} ({item.EntryType})");
                continue;
            }

            var path = Path.GetFullPath(Path.Combine(root, item.Name.TrimStart('/')));
            if (!path.StartsWith(prefix, StringComparison.Ordinal) || item.Name.Split('/').Contains(".."))
            {
                throw new InvalidDataException($"The archive entry '{item.Name}' would be written outside '{root}'; the restore stops (the backup is not one this software wrote).");
            }

            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Options = FileOptions.Asynchronous };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = item.Mode & (UnixFileMode)0b111_111_111;
            await using (var output = new FileStream(path, options))
            {
                if (item.DataStream is { } data)
                {
                    await data.CopyToAsync(output, ct);
                }

                bytes += output.Length;
            }

            File.SetLastWriteTimeUtc(path, item.ModificationTime.UtcDateTime);
            files++;
        }

        return (files, bytes, skipped);
    }

}
