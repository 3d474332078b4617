using BackupFunctions.Targets;

namespace BackupFunctions.Workflows.Pitr;

/// <summary>What PITR retention did on one target: the plan, and how much of it was carried out (nothing on a dry run).</summary>
public sealed record PitrRetentionResult(PitrRetentionPlan Plan, bool DryRun, int BaseBackupsDeleted, int WalFilesDeleted);

/// <summary>
/// WAL-aware retention for one WAL target: keeps the newest <c>Pitr:KeepBaseBackups</c> base backups and every WAL
/// file from the oldest kept one's start segment on; deletes older base backups and older WAL. Records and manifests go
/// before their artifacts, so nothing left behind ever points at a deleted artifact. Separate from the logical
/// backups' retention: it touches only <c>pitr/&lt;cluster&gt;/</c>.
/// </summary>
public sealed class PitrRetention(BackupEnvironment env)
{
    private readonly string _cluster = env.Options.Pitr.Cluster;

    public async Task<PitrRetentionPlan> PlanAsync(IBackupTarget target, CancellationToken ct = default)
    {
        var keep = env.Options.Pitr.KeepBaseBackups;
        var walPrefix = PitrKeys.WalPrefix(_cluster);
        var walFiles = new HashSet<string>(StringComparer.Ordinal);
        var manifestKeys = new List<string>();
        await foreach (var item in target.ListAsync(PitrKeys.Root + "/" + _cluster + "/", ct))
        {
            if (item.Key.StartsWith(walPrefix, StringComparison.Ordinal))
            {
                var name = item.Key[walPrefix.Length..];
                var file = name.EndsWith(".json", StringComparison.Ordinal) ? name[..^5] : name.EndsWith(".bfa", StringComparison.Ordinal) ? name[..^4] : null;
                if (file is not null && WalFileName.IsValid(file)) walFiles.Add(file);
            }
            else if (item.Key.EndsWith("/" + PitrKeys.BaseManifestFileName, StringComparison.Ordinal))
            {
                manifestKeys.Add(item.Key);
            }
        }

        var manifests = new List<BaseBackupManifest>();
        var unreadable = new List<string>();
        foreach (var key in manifestKeys)
        {
            try
            {
                await using var stream = await target.OpenReadAsync(key, null, ct);
                using var buffer = new MemoryStream();
                await stream.CopyToAsync(buffer, ct);
                manifests.Add(PitrSignatures.ReadBaseManifest(buffer.ToArray(), env.Keys, $"{key} in '{target.Name}'"));
            }
            catch (FormatException e)
            {
                unreadable.Add(e.Message);
            }
        }

        return PitrRetentionPlanner.Plan(target.Name, keep, manifests, walFiles, unreadable, env.Options.Pitr.WalSegmentSizeMiB);
    }

    public async Task<PitrRetentionResult> ApplyAsync(IBackupTarget target, bool dryRun, CancellationToken ct = default)
    {
        var plan = await PlanAsync(target, ct);
        if (dryRun || plan.Blocked is not null) return new PitrRetentionResult(plan, dryRun, 0, 0);
        var bases = 0;
        foreach (var id in plan.DeletableBaseBackups)
        {
            await target.DeleteAsync(PitrKeys.BaseManifest(_cluster, id), ct);
            await target.DeleteAsync(PitrKeys.BaseArtifact(_cluster, id), ct);
            bases++;
        }

        var wal = 0;
        foreach (var file in plan.DeletableWalFiles)
        {
            await target.DeleteAsync(PitrKeys.WalRecord(_cluster, file), ct);
            await target.DeleteAsync(PitrKeys.WalArtifact(_cluster, file), ct);
            wal++;
        }

        return new PitrRetentionResult(plan, dryRun, bases, wal);
    }
}
