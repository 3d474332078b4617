using System.Diagnostics;
using System.Security.Cryptography;
using BackupFunctions.Pipeline;
using BackupFunctions.Pipeline.Format;
using BackupFunctions.Pipeline.Keys;
using BackupFunctions.Targets;

namespace BackupFunctions.Workflows.Pitr;

/// <summary>
/// restore_command: fetch one archived WAL file, check it against its record (decrypts, and the
/// plain SHA-256 matches), and write it where PostgreSQL asked. Falls back across the WAL targets
/// in order. A fetch of a segment also downloads the next ones at once into a cache folder, so the
/// calls PostgreSQL makes one after another are served from local disk while it replays.
/// </summary>
public sealed class WalFetcher(BackupEnvironment env, string? cacheDirectory = null)
{
    private const int PrefetchParallelism = 4;
    private readonly string _cluster = env.Options.Pitr.Cluster;
    private readonly string _cache = cacheDirectory ?? env.Options.Pitr.CacheDirectory
        ?? Path.Combine(Path.GetDirectoryName(Staging.StagingArea.DefaultDirectory())!, "walcache", env.Options.Pitr.Cluster);

    public async Task<WalFetchResult> FetchAsync(string walFile, string destination, CancellationToken ct = default)
    {
        var sw = Stopwatch.StartNew();
        WalFileName.Validate(walFile);
        // Segments are served from the cache without another hash check, so nobody else may write there (not a shared /tmp).
        Staging.StagingArea.CreateOrCheck(_cache);
        var targets = WalTargets.Select(env);
        var following = WalFileName.Following(walFile, env.Options.Pitr.PrefetchSegments, env.Options.Pitr.WalSegmentSizeMiB)
            .Where(f => !File.Exists(CachePath(f))).ToList();
        var prefetch = following.Count > 0 ? PrefetchAsync(targets, following, ct) : Task.FromResult(0);

        string servedBy;
        long bytes;
        var cached = CachePath(walFile);
        if (File.Exists(cached))
        {
            bytes = new FileInfo(cached).Length;
            WriteAtomically(destination, cached, move: true);
            servedBy = "cache";
        }
        else
        {
            var (plain, target) = await DownloadAsync(targets, walFile, ct);
            bytes = plain.LongLength;
            WriteAtomically(destination, plain);
            servedBy = target;
        }

        var prefetched = await prefetch;
        return new WalFetchResult(walFile, servedBy, bytes, prefetched, sw.Elapsed);
    }

    /// <summary>The file's plain bytes from the first target that holds a good copy.</summary>
    private async Task<(byte[] Plain, string Target)> DownloadAsync(IReadOnlyList<IBackupTarget> targets, string walFile, CancellationToken ct)
    {
        var errors = new List<string>();
        foreach (var target in targets)
        {
            try
            {
                var record = await WalRecords.TryReadAsync(target, _cluster, walFile, env.Keys, ct);
                if (record is null) continue;
                return (await DecodeAsync(target, record, ct), target.Name);
            }
            catch (Exception e) when (e is TargetException or FormatException or IOException
                or ArtifactIntegrityException or WrongKeyException or UnknownKeyException)
            {
                errors.Add($"{target.Name}: {e.Message}");
            }
        }

        throw errors.Count == 0 ? new WalNotArchivedException(walFile) : new WalFetchFailedException(walFile, errors);
    }

    private async Task<byte[]> DecodeAsync(IBackupTarget target, WalSegmentRecord record, CancellationToken ct)
    {
        await using var artifact = await target.OpenReadAsync(PitrKeys.WalArtifact(_cluster, record.WalFile), null, ct);
        using var plain = new MemoryStream((int)Math.Min(record.PlainBytes, int.MaxValue));
        var decoded = await ArtifactDecoder.DecodeToAsync(artifact, env.Keys, plain, record.StoredSha256, null, ct);
        var sha = Convert.ToHexStringLower(SHA256.HashData(plain.GetBuffer().AsSpan(0, (int)plain.Length)));
        if (!string.Equals(sha, record.PlainSha256, StringComparison.OrdinalIgnoreCase) || decoded.PlainBytes != record.PlainBytes)
        {
            throw new ArtifactIntegrityException(
                $"the decoded {record.WalFile} has SHA-256 {sha[..12]}… ({decoded.PlainBytes} bytes) but its record says {record.PlainSha256[..12]}… ({record.PlainBytes} bytes): the archive holds the wrong file under this name");
        }

        return plain.ToArray();
    }

    private async Task<int> PrefetchAsync(IReadOnlyList<IBackupTarget> targets, IReadOnlyList<string> walFiles, CancellationToken ct)
    {
        Directory.CreateDirectory(_cache);
        var fetched = 0;
        await Parallel.ForEachAsync(walFiles, new ParallelOptions { MaxDegreeOfParallelism = PrefetchParallelism, CancellationToken = ct }, async (walFile, token) =>
        {
            try
            {
                var (plain, _) = await DownloadAsync(targets, walFile, token);
                WriteAtomically(CachePath(walFile), plain);
                Interlocked.Increment(ref fetched);
            }
            // A following segment not archived yet is normal, and a damaged one is reported when PostgreSQL asks for it.
            catch (Exception e) when (e is WalNotArchivedException or WalFetchFailedException or IOException)
            {
            }
        });
        return fetched;
    }

    private string CachePath(string walFile) => Path.Combine(_cache, walFile);

    // PostgreSQL must never see a partly written file under the name it asked for.
    private static void WriteAtomically(string destination, byte[] content)
    {
        var temp = destination + ".bf-partial";
        File.WriteAllBytes(temp, content);
        File.Move(temp, destination, overwrite: true);
    }

    private static void WriteAtomically(string destination, string source, bool move)
    {
        var temp = destination + ".bf-partial";
        if (move)
        {
            try
            {
                File.Move(source, temp, overwrite: true);
            }
            catch (IOException)
            {
                File.Copy(source, temp, overwrite: true);
                File.Delete(source);
            }
        }
        else
        {
            File.Copy(source, temp, overwrite: true);
        }

        File.Move(temp, destination, overwrite: true);
    }
}
