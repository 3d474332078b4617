using BackupFunctions.Workflows.Configuration;
using BackupFunctions.Workflows.Models;
using BackupFunctions.Workflows.Operations;
using Npgsql;

namespace BackupFunctions.Workflows.Admission;

/// <summary>
/// The per-database limit on manual backup starts, as both hosts apply it before scheduling an orchestration. A full
/// database frees the slots of runs the hub says have ended and tries once more, so a run that just finished does not
/// keep the next one out until the lease keeper comes round.
/// </summary>
public sealed class BackupAdmission(AdmissionStore store, BackupFunctionsOptions options)
{
    /// <summary>Off with MaxRunsPerDatabase 0, or without a control database to count in.</summary>
    public bool Enabled => options.Admission.MaxRunsPerDatabase > 0 && !string.IsNullOrWhiteSpace(options.Control.ConnectionString);

    public TimeSpan RetryAfter => options.Admission.RetryAfter;

    /// <summary>What the limit counts by: the database a request backs up (the source's own when it names none).</summary>
    public string DatabaseOf(BackupRequest request) =>
        string.Equals(request.Kind, BackupKinds.Files, StringComparison.OrdinalIgnoreCase) ? ArchiveFilesToStaging.FilesDatabase
        : request.Database ?? DefaultDatabase(options);

    /// <summary>Null when admitted (the caller schedules <paramref name="instanceId"/> next); otherwise what to tell the caller.</summary>
    public async Task<string?> AdmitAsync(BackupRequest request, string instanceId, RunStateProbe probe, CancellationToken ct)
    {
        if (!Enabled)
        {
            return null;
        }

        var database = DatabaseOf(request);
        var decision = await store.TryAdmitAsync(database, instanceId, ct);
        if (!decision.Admitted)
        {
            var (_, ended) = await FinishedRuns.SortAsync(decision.Holders, probe, ct);
            if (ended.Count > 0)
            {
                await store.ReleaseAsync(ended, ct);
                decision = await store.TryAdmitAsync(database, instanceId, ct);
            }
        }

        return decision.Admitted ? null
            : $"Database '{database}' already has {decision.Holders.Count} backup run(s) admitted and unfinished " +
              $"(BackupFunctions:Admission:MaxRunsPerDatabase is {options.Admission.MaxRunsPerDatabase}): " +
              string.Join(", ", decision.Holders.Select(h => h.InstanceId)) +
              $". Nothing was started; try again after {(int)RetryAfter.TotalSeconds} s, or follow a running one's status.";
    }

    /// <summary>Gives the slot back when scheduling the admitted run failed.</summary>
    public Task ReleaseAsync(string instanceId, CancellationToken ct) =>
        Enabled ? store.ReleaseAsync([instanceId], ct) : Task.CompletedTask;

    /// <summary>Counts a schedule's backup in its database's slots; never refuses it.</summary>
    public Task CountScheduledAsync(object? input, string instanceId, CancellationToken ct) =>
        Enabled && input is BackupRequest request ? store.CountScheduledAsync(DatabaseOf(request), instanceId, ct) : Task.CompletedTask;

    private static string DefaultDatabase(BackupFunctionsOptions options)
    {
        try
        {
            return new NpgsqlConnectionStringBuilder(options.Source.ConnectionString).Database ?? "";
        }
        catch (ArgumentException)
        {
            return "";
        }
    }
}
