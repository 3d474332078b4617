using BackupFunctions.Workflows.Alerts;
using BackupFunctions.Workflows.Catalog;
using BackupFunctions.Workflows.Configuration;
using BackupFunctions.Workflows.Schedules;

namespace BackupFunctions.Workflows.Activities;

/// <param name="Status">"Succeeded", "Partial" or "Failed", as recorded in the catalog.</param>
public sealed record EvaluateBackupRunRequest(string BackupId, string? Database, string Kind, string? TenantId, string Status, string? Error);

/// <param name="Raised">The dedupe keys raised (or refreshed).</param>
/// <param name="Resolved">The dedupe keys whose open alert this run resolved.</param>
public sealed record EvaluateBackupRunResult(IReadOnlyList<string> Raised, IReadOnlyList<string> Resolved);

/// <summary>
/// After a backup is recorded: judges it with <see cref="BackupRunRules"/> against the earlier runs of the same
/// database and kind in the catalog, raises what it breaks and resolves what it clears (with delivery).
/// </summary>
public sealed class EvaluateBackupRun(IBackupCatalog catalog, AlertService alerts, BackupFunctionsOptions options, ScheduleWatch watch, ActivityLimits limits)
    : BoundedActivity<EvaluateBackupRunRequest, EvaluateBackupRunResult>(limits)
{
    protected override async Task<EvaluateBackupRunResult> RunAsync(ActivityRun context, EvaluateBackupRunRequest input)
    {
        var ct = context.CancellationToken;
        var rules = options.Alerts.Rules;
        var recent = await catalog.ListBackupsAsync(input.Database, 1000, ct);
        var self = recent.FirstOrDefault(b => b.BackupId == input.BackupId);
        var history = recent
            .Where(b => b.BackupId != input.BackupId && b.Status == "Succeeded" && b.CompletedAt is not null
                && string.Equals(b.Kind, input.Kind, StringComparison.OrdinalIgnoreCase) && b.TenantId == input.TenantId)
            .Take(rules.HistoryCount)
            .Select(b => (b.StoredBytes, b.CompletedAt!.Value - b.CreatedAt))
            .ToList();
        var facts = new BackupRunFacts(input.BackupId, input.Database, input.Kind, input.TenantId, input.Status, input.Error,
            self?.StoredBytes ?? 0, self?.CompletedAt is { } done ? done - self.CreatedAt : TimeSpan.Zero);

        var raised = new List<string>();
        var resolved = new List<string>();
        foreach (var d in BackupRunRules.Evaluate(facts, history, rules))
        {
            if (d.Raise)
            {
                await alerts.RaiseAsync(d.Severity, d.Code, d.Message, d.DedupeKey, context.InstanceId, ct);
                raised.Add(d.DedupeKey);
            }
            else if (await alerts.ResolveAsync(d.DedupeKey, d.Message, ct) > 0)
            {
                resolved.Add(d.DedupeKey);
            }
        }

        // A good run (a verified copy somewhere) is the work its schedule waited for: a missed-schedule alert ends now, not at the next hourly check.
        if (input.Status != "Failed")
        {
            foreach (var schedule in watch.Schedules.Where(s => s.Work.IsBackupOf(input.Kind, input.Database, input.TenantId)))
            {
                if (await alerts.ResolveAsync(schedule.AlertKey, $"backup {input.BackupId} stored a verified copy", ct) > 0)
                {
                    resolved.Add(schedule.AlertKey);
                }
            }
        }

        return new EvaluateBackupRunResult(raised, resolved);
    }
}
