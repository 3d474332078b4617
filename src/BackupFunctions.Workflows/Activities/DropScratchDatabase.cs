using Microsoft.DurableTask;
using BackupFunctions.Pipeline.Processes;
using BackupFunctions.Workflows.Models;
using Npgsql;

namespace BackupFunctions.Workflows.Activities;

/// <summary>Drops a test restore's scratch database. Refuses any name without the scratch prefix, so it can never drop real data.</summary>
public sealed class DropScratchDatabase(BackupEnvironment env, ActivityLimits limits) : BoundedActivity<RestoreBackupRequest, bool>(limits)
{
    protected override Task<bool> RunAsync(ActivityRun context, RestoreBackupRequest input) =>
        ActivityFailures.RunAsync(async () =>
        {
            var destination = RestoreDestination.Resolve(env, input.Request, input.Backup.Manifest.BackupId);
            if (!destination.Database.StartsWith(env.Options.Scratch.DatabasePrefix, StringComparison.Ordinal))
            {
                throw new NonRetryableTaskException($"Refusing to drop '{destination.Database}': it is not a scratch database (prefix '{env.Options.Scratch.DatabasePrefix}').");
            }

            await using var conn = new NpgsqlConnection(destination.WithDatabase("postgres").ToNpgsqlConnectionString());
            await conn.OpenAsync(context.CancellationToken);
            await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{destination.Database.Replace("\"", "\"\"")}\" WITH (FORCE)", conn);
            await cmd.ExecuteNonQueryAsync(context.CancellationToken);
            return true;
        });
}
