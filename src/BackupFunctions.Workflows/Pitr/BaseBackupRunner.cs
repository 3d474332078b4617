using System.Diagnostics;
using BackupFunctions.Pipeline;
using BackupFunctions.Targets;
using Npgsql;

namespace BackupFunctions.Workflows.Pitr;

/// <summary>
/// A base backup for PITR: pg_basebackup's tar → zstd → AES-256-GCM into a staging file (never
/// whole in memory), then to every WAL target, then base-manifest.json beside it (data first,
/// manifest last, so a manifest always points at a complete artifact).
/// </summary>
public sealed class BaseBackupRunner(BackupEnvironment env)
{
    // backup_label is the first tar entry; 64 KiB holds it with room for a leading directory entry.
    private const int LabelPrefixBytes = 64 << 10;
    private readonly string _cluster = env.Options.Pitr.Cluster;

    public async Task<BaseBackupResult> RunAsync(IProgress<string>? progress = null, CancellationToken ct = default)
    {
        var sw = Stopwatch.StartNew();
        var targets = WalTargets.Select(env);
        var source = env.Source();
        var versionNum = await ServerVersionNumAsync(source.ToNpgsqlConnectionString(), ct);
        var client = env.Tools.Locator.ForServer(versionNum / 10000) ?? env.Tools.Locator.Default;
        var startedAt = DateTimeOffset.UtcNow;
        var backupId = PitrKeys.NewBaseBackupId(startedAt);
        Directory.CreateDirectory(env.Options.StagingDirectory);
        var staging = Path.Combine(env.Options.StagingDirectory, backupId + ".bfa.partial");
        try
        {
            progress?.Report($"pg_basebackup of {source.Host}:{source.Port} (server {versionNum}) starting");
            await using var process = PgBaseBackupProcess.Start(env.Tools, client, source, "backupfunctions " + backupId);
            var captured = new PrefixCapturingStream(process.StandardOutput, LabelPrefixBytes);
            ArtifactEncodeResult encoded;
            await using (var output = new FileStream(staging, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
            {
                encoded = await ArtifactEncoder.EncodeAsync(captured, output, new ArtifactEncodeOptions(env.Keys.Current)
                {
                    Compression = env.Options.Compression.Kind,
                    CompressionLevel = env.Options.Compression.Level,
                }, token => process.WaitForSuccessAsync(token), null, ct, process.Kill);
                output.Flush(flushToDisk: true);
            }

            var completedAt = DateTimeOffset.UtcNow;
            var label = BackupLabel.FromTarPrefix(captured.Prefix);
            progress?.Report($"pg_basebackup done: {encoded.RawBytes} bytes → {encoded.StoredBytes} stored; WAL from {label.StartWalFile}");
            var artifactKey = PitrKeys.BaseArtifact(_cluster, backupId);
            var outcomes = await Task.WhenAll(targets.Select(t => UploadAsync(t, staging, artifactKey, encoded.StoredBytes, ct)));
            var manifest = new BaseBackupManifest
            {
                BackupId = backupId,
                Cluster = _cluster,
                Label = "backupfunctions " + backupId,
                ServerVersionNum = versionNum,
                StartLsn = label.StartLsn,
                StartWalFile = label.StartWalFile,
                Timeline = label.Timeline,
                StartedAt = startedAt,
                CompletedAt = completedAt,
                RawBytes = encoded.RawBytes,
                StoredBytes = encoded.StoredBytes,
                StoredSha256 = encoded.StoredSha256,
                PlainSha256 = encoded.PlainSha256,
                Compression = encoded.Compression,
                KeyId = encoded.KeyId,
                ArtifactKey = artifactKey,
                Targets = outcomes.Where(o => o.Durable).Select(o => o.Target).ToList(),
            };
            if (manifest.Targets.Count == 0)
                throw new PitrException($"The base backup reached no target: {string.Join("; ", outcomes.Select(o => $"{o.Target}: {o.Error}"))}");

            var json = PitrSignatures.Sign(manifest, env.Keys);
            var final = await Task.WhenAll(targets.Select(async t =>
            {
                var uploaded = outcomes.First(o => o.Target == t.Name);
                if (!uploaded.Durable) return uploaded;
                try
                {
                    await using var content = new MemoryStream(json, writable: false);
                    await t.PutAsync(PitrKeys.BaseManifest(_cluster, backupId), content, new PutOptions { ContentType = "application/json" }, ct);
                    return uploaded;
                }
                catch (TargetException e)
                {
                    return new WalTargetOutcome(t.Name, WalTargetStatus.Failed, "manifest: " + e.Message);
                }
            }));
            return new BaseBackupResult(manifest with { Targets = final.Where(o => o.Durable).Select(o => o.Target).ToList() }, final, sw.Elapsed);
        }
        finally
        {
            File.Delete(staging);
        }
    }

    private static async Task<WalTargetOutcome> UploadAsync(IBackupTarget target, string staging, string key, long expected, CancellationToken ct)
    {
        try
        {
            await using (var file = new FileStream(staging, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous))
            {
                await target.PutAsync(key, file, null, ct);
            }

            var stat = await target.StatAsync(key, ct);
            return stat?.Size == expected
                ? new WalTargetOutcome(target.Name, WalTargetStatus.Stored)
                : new WalTargetOutcome(target.Name, WalTargetStatus.Failed, $"stored size {stat?.Size.ToString() ?? "none"}, expected {expected}");
        }
        catch (TargetException e)
        {
            return new WalTargetOutcome(target.Name, WalTargetStatus.Failed, e.Message);
        }
    }

    private static async Task<int> ServerVersionNumAsync(string connectionString, CancellationToken ct)
    {
        try
        {
            await using var conn = new NpgsqlConnection(connectionString);
            await conn.OpenAsync(ct);
            await using var cmd = new NpgsqlCommand("SELECT current_setting('server_version_num')::int", conn);
            return (int)(await cmd.ExecuteScalarAsync(ct))!;
        }
        catch (NpgsqlException e)
        {
            throw new PitrException($"Cannot reach the source server for a base backup: {e.Message}", e);
        }
    }
}
