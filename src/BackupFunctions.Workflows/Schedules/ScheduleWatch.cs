using BackupFunctions.Workflows.Configuration;
using Npgsql;

namespace BackupFunctions.Workflows.Schedules;

/// <summary>
/// The schedule windows the dead-man check (<c>CheckSchedules</c>) judges, handed over by the host that owns the cron
/// settings: the self-hosted host from "BackupFunctions:Schedules:{Name}", the Function App from its <c>{Name}Schedule</c>
/// app settings. Each host registers one at start-up; the Workflows layer itself knows no cron settings.
/// Only schedules that produce work are watched (backups, test restores, base backups); the checks and retention
/// are not, and a disabled schedule or one with nothing to run (no tenants, PITR off, no file paths) is left out.
/// </summary>
public sealed class ScheduleWatch(IReadOnlyList<WatchedSchedule> schedules, DateTimeOffset? hostStartedAt)
{
    /// <summary>Nothing watched: what a process that starts no schedules (a test engine, the CLI) gets.</summary>
    public static ScheduleWatch None { get; } = new([], null);

    public IReadOnlyList<WatchedSchedule> Schedules { get; } = schedules;

    /// <summary>When this host started (grace from start), or null where a process start means nothing (scale to zero).</summary>
    public DateTimeOffset? HostStartedAt { get; } = hostStartedAt;

    /// <summary>Builds the watch from a host's schedules: (name, parsed cron, enabled) for each.</summary>
    public static ScheduleWatch Build(
        IEnumerable<(string Name, CronSchedule Cron, bool Enabled)> schedules, BackupFunctionsOptions options, DateTimeOffset? hostStartedAt)
    {
        var sourceDatabase = SourceDatabase(options);
        var watched = new List<WatchedSchedule>();
        foreach (var (name, cron, enabled) in schedules.Where(s => s.Enabled))
        {
            if (string.Equals(name, ScheduleName.FilesBackup, StringComparison.OrdinalIgnoreCase) && options.Files.Paths.Count == 0)
            {
                continue;
            }

            foreach (var unit in ScheduleTarget.For(name).Units(options))
            {
                if (WorkOf(name, unit.Key, sourceDatabase) is { } work)
                {
                    watched.Add(new WatchedSchedule(name, unit.Key, cron, work));
                }
            }
        }

        return new ScheduleWatch(watched, hostStartedAt);
    }

    private static ScheduledWork? WorkOf(string name, string? unitKey, string? sourceDatabase) => name switch
    {
        ScheduleName.FullBackup => new ScheduledWork(ScheduledWork.Backup, "full", unitKey ?? sourceDatabase),
        ScheduleName.TenantBackup => new ScheduledWork(ScheduledWork.Backup, "tenant", TenantId: unitKey),
        ScheduleName.FilesBackup => new ScheduledWork(ScheduledWork.Backup, "files"),
        ScheduleName.TestRestore => new ScheduledWork(ScheduledWork.TestRestore, Database: unitKey ?? sourceDatabase),
        ScheduleName.BaseBackup => new ScheduledWork(ScheduledWork.BaseBackup),
        _ => null,
    };

    /// <summary>The database of the source connection string: what a schedule without configured databases backs up.</summary>
    private static string? SourceDatabase(BackupFunctionsOptions options)
    {
        try
        {
            return string.IsNullOrWhiteSpace(options.Source.ConnectionString) ? null : new NpgsqlConnectionStringBuilder(options.Source.ConnectionString).Database;
        }
        catch (ArgumentException)
        {
            // A malformed connection string fails the backups themselves, with a clearer message; here it only means "any database".
            return null;
        }
    }
}
