using System.Diagnostics;
using System.Security.Cryptography;
using BackupFunctions.Pipeline;
using BackupFunctions.Targets;

namespace BackupFunctions.Workflows.Pitr;

/// <summary>
/// archive_command: one WAL file → zstd → AES-256-GCM (the artifact pipeline) → every WAL target
/// at once. Idempotent: PostgreSQL re-runs archive_command after a crash or a failed attempt, so a
/// target that already holds the same bytes (by plain SHA-256) counts as done, and a target that
/// holds different bytes under the name is a conflict that is never overwritten.
/// </summary>
public sealed class WalPusher(BackupEnvironment env)
{
    private readonly string _cluster = env.Options.Pitr.Cluster;

    public async Task<WalPushResult> PushAsync(string walPath, CancellationToken ct = default)
    {
        var sw = Stopwatch.StartNew();
        var walFile = Path.GetFileName(walPath);
        WalFileName.Validate(walFile);
        if (!File.Exists(walPath))
            throw new FileNotFoundException($"WAL file '{Path.GetFullPath(walPath)}' does not exist (archive_command is run in the data directory with %p = pg_wal/...).", walPath);

        var targets = WalTargets.Select(env);
        var required = env.Options.Pitr.MinDurableCopies ?? targets.Count;
        if (required > targets.Count)
            throw new ArgumentException($"BackupFunctions:Pitr:MinDurableCopies is {required} but only {targets.Count} WAL target(s) are configured.");

        var plain = await File.ReadAllBytesAsync(walPath, ct);
        var plainSha = Convert.ToHexStringLower(SHA256.HashData(plain));
        // Encoded once, on first need, and shared by every target that lacks the file.
        var encoded = new Lazy<Task<(byte[] Bytes, WalSegmentRecord Record)>>(() => EncodeAsync(walFile, plain, plainSha, ct));

        var outcomes = await Task.WhenAll(targets.Select(t => PushToAsync(t, walFile, plainSha, encoded, ct)));
        var storedBytes = encoded.IsValueCreated && encoded.Value.IsCompletedSuccessfully ? encoded.Value.Result.Bytes.LongLength : 0;
        return new WalPushResult(walFile, plain.LongLength, plainSha, storedBytes, required, outcomes, sw.Elapsed);
    }

    private async Task<WalTargetOutcome> PushToAsync(IBackupTarget target, string walFile, string plainSha,
        Lazy<Task<(byte[] Bytes, WalSegmentRecord Record)>> encoded, CancellationToken ct)
    {
        try
        {
            var existing = await WalRecords.TryReadAsync(target, _cluster, walFile, env.Keys, ct);
            if (existing is not null)
            {
                if (!string.Equals(existing.PlainSha256, plainSha, StringComparison.OrdinalIgnoreCase))
                {
                    return new WalTargetOutcome(target.Name, WalTargetStatus.Conflict,
                        $"'{target.Name}' already holds a different {walFile} (SHA-256 {existing.PlainSha256[..12]}…, this one {plainSha[..12]}…). " +
                        "Two clusters may be archiving under the same BackupFunctions:Pitr:Cluster name, or this server was restored and " +
                        "is writing on an old timeline; the archived file was left as it is.");
                }

                var artifact = await target.StatAsync(PitrKeys.WalArtifact(_cluster, walFile), ct);
                if (artifact is not null && artifact.Size == existing.StoredBytes)
                {
                    return new WalTargetOutcome(target.Name, WalTargetStatus.AlreadyArchived);
                }
            }

            var (bytes, record) = await encoded.Value;
            // Artifact first, then the record that vouches for it: a crash between leaves no record, and the retry re-uploads.
            await using (var content = new MemoryStream(bytes, writable: false))
            {
                await target.PutAsync(PitrKeys.WalArtifact(_cluster, walFile), content, null, ct);
            }

            var stored = await target.StatAsync(PitrKeys.WalArtifact(_cluster, walFile), ct);
            if (stored is null || stored.Size != bytes.LongLength)
            {
                return new WalTargetOutcome(target.Name, WalTargetStatus.Failed,
                    $"'{target.Name}' reports {(stored is null ? "no object" : $"{stored.Size} bytes")} after the upload of {bytes.LongLength} bytes.");
            }

            await using (var json = new MemoryStream(PitrSignatures.Sign(record, env.Keys), writable: false))
            {
                await target.PutAsync(PitrKeys.WalRecord(_cluster, walFile), json, new PutOptions { ContentType = "application/json" }, ct);
            }

            return new WalTargetOutcome(target.Name, WalTargetStatus.Stored);
        }
        catch (Exception e) when (e is TargetException or FormatException or IOException)
        {
            return new WalTargetOutcome(target.Name, WalTargetStatus.Failed, e.Message);
        }
    }

    private async Task<(byte[] Bytes, WalSegmentRecord Record)> EncodeAsync(string walFile, byte[] plain, string plainSha, CancellationToken ct)
    {
        var options = new ArtifactEncodeOptions(env.Keys.Current)
        {
            Compression = env.Options.Compression.Kind,
            CompressionLevel = env.Options.Compression.Level,
            // One 16 MiB segment: worker threads would cost more to start than they save.
            CompressionThreads = 0,
        };
        using var output = new MemoryStream(plain.Length / 2);
        var result = await ArtifactEncoder.EncodeAsync(new MemoryStream(plain, writable: false), output, options, ct: ct);
        if (!string.Equals(result.PlainSha256, plainSha, StringComparison.Ordinal))
            throw new IOException($"{walFile} changed while it was being archived; PostgreSQL will retry.");
        var record = new WalSegmentRecord
        {
            WalFile = walFile,
            PlainBytes = result.RawBytes,
            PlainSha256 = result.PlainSha256,
            StoredBytes = result.StoredBytes,
            StoredSha256 = result.StoredSha256,
            KeyId = result.KeyId,
            Compression = result.Compression,
            ArchivedAt = DateTimeOffset.UtcNow,
        };
        return (output.ToArray(), record);
    }
}
