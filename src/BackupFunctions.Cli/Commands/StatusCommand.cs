using System.CommandLine;
using BackupFunctions.Cli.Output;
using BackupFunctions.Workflows.Catalog;
using BackupFunctions.Workflows.Catalog.Postgres;
using Spectre.Console;

namespace BackupFunctions.Cli.Commands;

/// <summary>
/// backupctl status: the GET /api/health picture from the catalog in the control database: the score and every check
/// with its deduction, the newest backups per database, and the open alerts.
/// </summary>
public static class StatusCommand
{
    public static Command Create(GlobalOptions global)
    {
        var minScore = new Option<int?>("--min-score")
        {
            Description = "Exit 1 when the score is below this (0-100), for a monitor or a cron job; without it the exit code is 0 whenever the catalog answered.",
        };
        var command = new Command("status", "Show the health score, its checks, the newest backups per database and the open alerts (BackupFunctions:Control).")
        {
            minScore,
        };
        command.SetAction((parse, ct) => global.RunAsync(parse, async ctx =>
        {
            var threshold = parse.GetValue(minScore);
            if (threshold is < 0 or > 100)
            {
                throw new UsageException($"--min-score must be between 0 and 100, not {threshold}.");
            }

            // Only the control database is needed: status runs where no source, key or target is configured.
            var problems = new List<string>();
            var options = CliConfiguration.Load(ctx.ConfigPath, problems);
            if (problems.Count > 0)
            {
                throw new UsageException("The configuration is invalid:\n  - " + string.Join("\n  - ", problems));
            }

            if (string.IsNullOrWhiteSpace(options.Control.ConnectionString))
            {
                throw new UsageException("BackupFunctions:Control:ConnectionString is not set: give the control database that holds the catalog.");
            }

            await using var dataSource = ControlDataSource.Create(options.Control);
            var catalog = new PostgresBackupCatalog(dataSource, options.Control.CatalogSchema);
            var health = await catalog.GetHealthAsync(ct);
            var alerts = await catalog.ListAlertsAsync(includeAcknowledged: false, limit: 200, ct);
            var exit = threshold is { } min && health.Score < min ? ExitCodes.Failed : ExitCodes.Success;
            if (ctx.Output.Json)
            {
                ctx.Output.WriteJson(new { ok = exit == ExitCodes.Success, health, alerts });
            }
            else
            {
                StatusTables.Write(ctx.Output.Console, health, alerts);
            }

            return exit;
        }));
        return command;
    }
}
