using BackupFunctions.Pipeline.Manifests;
using BackupFunctions.Targets;

namespace BackupFunctions.Workflows.Activities;

/// <param name="SourceTarget">A target whose manifest of this backup was just read and found valid.</param>
public sealed record CopyManifestRequest(string Target, string SourceTarget, string ManifestKey, string BackupId, string StoredSha256);

/// <summary>
/// Restores a missing or broken manifest.json from another target's valid one, byte for byte (its signature stays
/// valid; nothing is re-signed). The source manifest is read and validated here again before it is written. A broken
/// manifest must have been removed first (<see cref="RemoveDamagedObject"/>): a put never replaces.
/// </summary>
public sealed class CopyManifest(BackupEnvironment env, ActivityLimits limits) : BoundedActivity<CopyManifestRequest, bool>(limits)
{
    protected override Task<bool> RunAsync(ActivityRun context, CopyManifestRequest input) =>
        ActivityFailures.RunAsync(async () =>
        {
            var ct = context.CancellationToken;
            var target = env.FindTarget(input.Target) ?? throw new NonRetryableTaskException($"Target '{input.Target}' is not configured on this host.");
            var source = env.FindTarget(input.SourceTarget) ?? throw new NonRetryableTaskException($"Source target '{input.SourceTarget}' is not configured on this host.");
            var bytes = await ReadAllAsync(source, input.ManifestKey, ct);
            BackupManifest manifest;
            try
            {
                manifest = ManifestReader.Read(bytes, env.Keys).Manifest;
            }
            catch (InvalidManifestException e)
            {
                throw new NonRetryableTaskException($"The manifest in '{input.SourceTarget}' is not valid either, so it is not copied: {e.Message}", e);
            }

            if (manifest.BackupId != input.BackupId || !string.Equals(manifest.StoredSha256, input.StoredSha256, StringComparison.OrdinalIgnoreCase))
            {
                throw new NonRetryableTaskException($"The manifest in '{input.SourceTarget}' describes backup {manifest.BackupId}, not {input.BackupId}; it is not copied.");
            }

            try
            {
                using var json = new MemoryStream(bytes, writable: false);
                await target.PutAsync(input.ManifestKey, json, new PutOptions { ContentType = "application/json", ExpectedLength = bytes.Length }, ct);
            }
            catch (TargetObjectExistsException)
            {
                // A retry whose first put landed: the same bytes are done; anything else is not ours to replace.
                if (!(await ReadAllAsync(target, input.ManifestKey, ct)).AsSpan().SequenceEqual(bytes))
                {
                    throw;
                }
            }

            return true;
        });

    private static async Task<byte[]> ReadAllAsync(IBackupTarget target, string key, CancellationToken ct)
    {
        await using var stream = await target.OpenReadAsync(key, null, ct);
        using var buffer = new MemoryStream();
        var chunk = new byte[64 << 10];
        int n;
        while ((n = await stream.ReadAsync(chunk, ct)) > 0)
        {
            // Bounded: whatever sits under the key, no more than the largest manifest is held.
            if (buffer.Length + n > ManifestReader.MaxBytes)
            {
                throw new NonRetryableTaskException($"{key} in '{target.Name}' is larger than any manifest; it is not copied.");
            }

            buffer.Write(chunk, 0, n);
        }

        return buffer.ToArray();
    }
}
