using BackupFunctions.Pipeline.Manifests;
using System.Diagnostics;
using BackupFunctions.Pipeline;
using BackupFunctions.Pipeline.Format;
using BackupFunctions.Pipeline.Keys;
using BackupFunctions.Targets;
using BackupFunctions.Workflows.Catalog;

namespace BackupFunctions.Workflows.Verification;

/// <summary>
/// Re-reads every copy of a backup from its target and checks it end to end: the stored SHA-256,
/// the authentication of every chunk (so the key still opens it), and that decompression yields what the
/// backup's kind should hold (<see cref="PlainContent"/>). Targets are read concurrently; nothing is written or deleted.
/// </summary>
public sealed class VerifyRunner(BackupEnvironment env)
{
    public async Task<VerifyRunResult> RunAsync(CatalogEntry entry, CancellationToken ct = default)
    {
        var manifest = entry.Manifest;
        var holders = env.Targets
            .Where(t => manifest.Copies.Any(c => c.Target.Equals(t.Name, StringComparison.OrdinalIgnoreCase))
                || entry.FoundIn.Contains(t.Name, StringComparer.OrdinalIgnoreCase))
            .ToList();
        var checks = await Task.WhenAll(holders.Select(t => CheckAsync(t, manifest, ct))).ConfigureAwait(false);
        return new VerifyRunResult(manifest.BackupId, checks) { Signed = entry.Signed };
    }

    private async Task<CopyCheck> CheckAsync(IBackupTarget target, BackupManifest manifest, CancellationToken ct)
    {
        var key = manifest.ArtifactKey;
        var sw = Stopwatch.StartNew();
        try
        {
            await using var stream = await target.OpenReadAsync(key, ct: ct).ConfigureAwait(false);
            var result = await ArtifactDecoder.VerifyAsync(stream, env.Keys, manifest.StoredSha256, manifest.PlainSha256, null, ct, manifest.Expectation()).ConfigureAwait(false);
            var expected = PlainContent.Expected(manifest);
            var intact = PlainContent.Fits(manifest, result.Content);
            return new CopyCheck(target.Name, key, intact, result.StoredBytes, result.StoredSha256, sw.Elapsed,
                intact ? null : $"The copy decrypts, but it holds {PlainContent.Describe(result.Content)}, not {PlainContent.Describe(expected)} as this {manifest.Kind.ToString().ToLowerInvariant()} backup should.");
        }
        catch (Exception e) when (e is TargetException or ArtifactIntegrityException or UnknownKeyException or WrongKeyException)
        {
            // A missing object is a lost copy; any other target error says nothing about the stored bytes.
            var unreachable = e is TargetException and not TargetNotFoundException;
            var size = e is TargetException ? null : await StoredSizeAsync(target, key, ct).ConfigureAwait(false);
            return new CopyCheck(target.Name, key, false, size ?? 0, null, sw.Elapsed, e.Message)
            {
                Unreachable = unreachable,
                SizeUnknown = size is null,
            };
        }
    }

    /// <summary>The size of a damaged copy as the target stores it (a person compares it with the manifest's); null when it cannot be read.</summary>
    private static async Task<long?> StoredSizeAsync(IBackupTarget target, string key, CancellationToken ct)
    {
        try
        {
            return (await target.StatAsync(key, ct).ConfigureAwait(false))?.Size;
        }
        catch (TargetException)
        {
            return null;
        }
    }
}
