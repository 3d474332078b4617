using System.Diagnostics;
using BackupFunctions.Pipeline;
using BackupFunctions.Pipeline.Format;
using BackupFunctions.Pipeline.Merge;
using BackupFunctions.Pipeline.Processes;
using BackupFunctions.Targets;
using BackupFunctions.Workflows.Catalog;
using Microsoft.Extensions.Logging;

namespace BackupFunctions.Workflows.Restore.Merge;

/// <summary>
/// Merges a tenant backup into an existing database that holds other tenants: only the tenant
/// tables' data is loaded, in one transaction with the checks (<see cref="MergeScript"/>), so a
/// refusal, a failed constraint or a row count that differs leaves the target as it was. Reads the
/// artifact from the first target with a verified copy, falling back like <see cref="RestoreRunner"/>.
/// </summary>
public sealed class TenantMergeRunner(BackupEnvironment env)
{
    private const string RowCheckFailed = "merge row check failed";

    public async Task<TenantMergeResult> RunAsync(CatalogEntry entry, PgConnectionInfo destination, bool replaceTenantRows,
        IProgress<string>? progress = null, CancellationToken ct = default)
    {
        var sw = Stopwatch.StartNew();
        var manifest = entry.Manifest;
        if (MergePreconditions.CheckBackup(manifest) is { } notTenant)
        {
            throw new TenantMergeRefusedException("Merge refused: " + notTenant);
        }

        if (await MergePreconditions.CheckDatabaseAsync(destination, ct).ConfigureAwait(false) is { } noDatabase)
        {
            throw new TenantMergeRefusedException("Merge refused: " + noDatabase);
        }

        progress?.Report($"planning the merge of tenant {manifest.TenantId} into {destination.Database}");
        var planner = await TenantMergePlanner.PrepareAsync(manifest, destination, env.Options.Tenants.SessionSetting, replaceTenantRows, ct)
            .ConfigureAwait(false);

        var work = CreateWorkDirectory();
        try
        {
            var report = Path.Combine(work, "merge-check.csv");
            var attempts = new List<RestoreAttempt>();
            var pipeline = new DataMergePipeline(env.Tools, env.LoggerFactory.CreateLogger<DataMergePipeline>());
            var options = new RestoreOptions
            {
                ExpectedStoredSha256 = manifest.StoredSha256,
                ExpectedPlainSha256 = manifest.PlainSha256,
                Expected = manifest.Expectation(),
                DumpFormat = manifest.DumpFormat ?? DumpFormats.Custom,
            };
            foreach (var target in RestoreCandidates.For(env, entry))
            {
                var attempt = Stopwatch.StartNew();
                progress?.Report($"merging from {target.Name}");
                // An attempt from another target may have left a dump file or an unpacked directory archive.
                foreach (var leftover in Directory.EnumerateFiles(work))
                {
                    File.Delete(leftover);
                }
                foreach (var leftover in Directory.EnumerateDirectories(work))
                {
                    Directory.Delete(leftover, recursive: true);
                }

                try
                {
                    await using var artifact = await target.OpenReadAsync(manifest.ArtifactKey, ct: ct).ConfigureAwait(false);
                    var merged = await pipeline.RunAsync(artifact, env.Keys, destination, options, work,
                        (toc, _) => Task.FromResult(planner.Plan(toc, report)), ct).ConfigureAwait(false);
                    attempts.Add(new RestoreAttempt(target.Name, true, null, attempt.Elapsed));
                    var counted = MergeReport.Read(report);
                    // The transaction's own check passed, or psql would not have committed; this only guards the report.
                    var ok = counted.Count > 0 && counted.All(c => c.Ok);
                    return Result(ok, target.Name, counted, [.. planner.Warnings, .. merged.Warnings],
                        ok ? null : "The merge committed, but its row report is missing or differs: " + string.Join("; ", counted.Where(c => !c.Ok)));
                }
                catch (Exception e) when (e is TargetException or ArtifactIntegrityException)
                {
                    // This copy is unreachable or damaged; psql never committed, so the database is as before.
                    attempts.Add(new RestoreAttempt(target.Name, false, e.Message, attempt.Elapsed) { Damaged = e is ArtifactIntegrityException });
                    progress?.Report($"{target.Name} failed: {e.Message}");
                }
                catch (PgToolException e) when (e.Tool == PgTool.Psql && e.Message.Contains(RowCheckFailed, StringComparison.Ordinal))
                {
                    // The check in the transaction found a difference and rolled it back: a result, with the counts it saw.
                    attempts.Add(new RestoreAttempt(target.Name, false, e.Message, attempt.Elapsed));
                    var checks = MergeReport.Read(report);
                    return Result(false, null, checks, planner.Warnings,
                        "The merge was rolled back because the row counts differ: " + string.Join("; ", checks.Where(c => !c.Ok)));
                }
            }

            return Result(false, null, [], planner.Warnings, attempts.Count == 0
                ? "No configured target holds a copy of this backup."
                : "Every target that holds a copy failed: " + string.Join("; ", attempts.Select(a => $"{a.Target}: {a.Error}")));

            TenantMergeResult Result(bool ok, string? servedBy, IReadOnlyList<MergeTableCheck> checks, IReadOnlyList<string> warnings, string? error) =>
                new(manifest.BackupId, manifest.TenantId!, destination.Database, ok, servedBy, attempts, checks, planner.LoadOrder, warnings, sw.Elapsed, error)
                {
                    Replaced = replaceTenantRows,
                };
        }
        finally
        {
            // The plain dump was in here.
            Directory.Delete(work, recursive: true);
        }
    }

    private string CreateWorkDirectory()
    {
        Directory.CreateDirectory(env.Options.StagingDirectory);
        var path = Path.Combine(env.Options.StagingDirectory, "merge-" + Guid.NewGuid().ToString("N"));
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return path;
    }
}
