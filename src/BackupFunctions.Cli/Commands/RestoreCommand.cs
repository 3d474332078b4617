using System.CommandLine;
using BackupFunctions.Pipeline.Processes;
using BackupFunctions.Workflows.Catalog;
using BackupFunctions.Workflows.Catalog.Postgres;
using BackupFunctions.Workflows.Retention;
using Microsoft.Extensions.Logging;
using BackupFunctions.Workflows.Restore;
using Npgsql;
using Spectre.Console;

namespace BackupFunctions.Cli.Commands;

/// <summary>
/// backupctl restore &lt;id|latest&gt; --to &lt;connection&gt;: restore, falling back across targets, then check row counts;
/// or, for a files backup, --to-dir DIR (<see cref="FilesRestoreCommand"/>).
/// </summary>
public static class RestoreCommand
{
    public static Command Create(GlobalOptions global)
    {
        var backup = new Argument<string?>("backup") { Description = "A backup id, or 'latest' (not with --pitr).", Arity = ArgumentArity.ZeroOrOne };
        var to = new Option<string?>("--to") { Description = "Npgsql connection string of the destination database (created when missing)." };
        var toDir = new Option<string?>("--to-dir")
        {
            Description = "For a files backup: the new or empty directory to restore the files into (each at its original path below it).",
        };
        var pitr = new PitrRestoreOptions();
        var database = new Option<string?>("--database", "-d") { Description = "With 'latest': the newest backup of this source database." };
        var merge = new Option<bool>("--merge")
        {
            Description = "Merge a tenant backup's data into the existing --to database, which holds other tenants, without touching them.",
        };
        var replace = new Option<bool>("--replace-tenant-rows")
        {
            Description = "With --merge: delete the tenant's rows already in the target (same transaction) instead of refusing.",
        };
        var command = new Command("restore", "Restore a backup into a database and compare every table's row count with the manifest.")
        {
            backup, to, toDir, database, merge, replace,
        };
        var password = new DestinationPasswordOptions();
        password.AddTo(command);
        pitr.AddTo(command);
        command.SetAction((parse, ct) => global.RunAsync(parse, async ctx =>
        {
            if (pitr.IsRequested(parse))
            {
                if (parse.GetValue(backup) is not null || parse.GetValue(to) is not null || parse.GetValue(merge))
                    throw new UsageException("--pitr restores a whole cluster into --to-datadir; it takes no backup id, --to or --merge.");
                return await pitr.RunAsync(ctx, parse, parse.GetValue(global.Config), ct);
            }

            if (parse.GetValue(toDir) is { } directory)
            {
                if (parse.GetValue(backup) is null || parse.GetValue(to) is not null || parse.GetValue(merge))
                    throw new UsageException("--to-dir restores a files backup: give its id (or 'latest') and no --to or --merge.");
                return await FilesRestoreCommand.RunAsync(ctx, parse.GetValue(backup)!, directory, ct);
            }

            if (parse.GetValue(backup) is null || parse.GetValue(to) is null)
                throw new UsageException("Give a backup id (or 'latest') and --to <connection string>, a files backup's id and --to-dir DIR, or --pitr <time|latest> --to-datadir DIR.");
            var destination = ParseDestination(parse.GetValue(to)!);
            if (parse.GetValue(replace) && !parse.GetValue(merge))
            {
                throw new UsageException("--replace-tenant-rows applies only with --merge.");
            }

            destination = password.Resolve(parse, destination, ctx);
            var env = ctx.CreateEnvironment(forBackups: false);
            var catalog = await TargetCatalogReader.ReadForAsync(env.Targets, env.Keys, parse.GetValue(database), parse.GetValue(backup)!, Pipeline.Manifests.BackupKind.Full, ct);
            if (parse.GetValue(merge))
            {
                return await MergeCommand.RunAsync(ctx, env, catalog, parse.GetValue(backup)!, destination, parse.GetValue(replace), ct);
            }

            var entry = catalog.Resolve(parse.GetValue(backup)!);
            if (entry.Manifest.Kind == Pipeline.Manifests.BackupKind.Files)
                throw new UsageException($"Backup {entry.BackupId} is a files backup: restore it into a directory with --to-dir DIR.");
            ctx.Output.Step($"restoring {entry.BackupId} ({entry.Manifest.Database}) into {destination}");
            if (!entry.Signed)
            {
                ctx.Output.Progress.MarkupLine("[yellow]warning:[/] this backup's manifest is unsigned (written before manifests were signed); its artifact is still authenticated chunk by chunk.");
            }

            // Where a control database is configured, retention on every host sees this restore and keeps its backup.
            var ledger = RestoreLedger(env);
            var result = await RestoreLease.HoldingAsync(ledger, entry.BackupId, "backupctl:" + Environment.MachineName, env.Options.Retention.RestoreLeaseDuration,
                env.LoggerFactory.CreateLogger("backupctl"),
                taken => new RestoreRunner(env) { ReadableAfter = taken }.RunAsync(entry, destination, new SynchronousProgress<string>(ctx.Output.Step), ct), ct);
            Render(ctx, result);
            // Every copy tried was damaged (or one was, and the others could not be read): the same alarm as verify's.
            return result.Succeeded ? ExitCodes.Success : result.NothingRestoredAndDamaged ? ExitCodes.Integrity : ExitCodes.Failed;
        }));
        return command;
    }

    /// <summary>One data source (one pool, one type load) for the lease and the catalog schema it ensures.</summary>
    private static PostgresRetentionLedger? RestoreLedger(Workflows.BackupEnvironment env)
    {
        if (string.IsNullOrWhiteSpace(env.Options.Control.ConnectionString)) return null;
        var db = ControlDataSource.Create(env.Options.Control);
        return new PostgresRetentionLedger(db, env.Options.Control.CatalogSchema, new PostgresBackupCatalog(db, env.Options.Control.CatalogSchema));
    }

    private static PgConnectionInfo ParseDestination(string connectionString)
    {
        try
        {
            var info = PgConnectionInfo.FromConnectionString(connectionString);
            return string.IsNullOrWhiteSpace(new NpgsqlConnectionStringBuilder(connectionString).Database)
                ? throw new UsageException("--to must name a database (Database=...).")
                : info;
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"--to is not a valid connection string: {e.Message}");
        }
    }

    private static void Render(CommandContext ctx, RestoreRunResult result)
    {
        if (ctx.Output.Json)
        {
            ctx.Output.WriteJson(new
            {
                ok = result.Succeeded,
                result.BackupId,
                result.TargetDatabase,
                result.ServedBy,
                result.Mode,
                durationSeconds = Math.Round(result.Duration.TotalSeconds, 2),
                result.Attempts,
                result.Mismatches,
                rowCounts = result.RestoredRowCounts,
                result.RolesCreated,
                result.RolesNotCreated,
                result.Warnings,
                result.Error,
            });
            return;
        }

        foreach (var a in result.Attempts.Where(a => !a.Succeeded))
        {
            ctx.Output.Progress.MarkupLine($"[yellow]{Markup.Escape(a.Target)} failed:[/] {Markup.Escape(a.Error ?? "")}");
        }

        if (result.ServedBy is null)
        {
            // Nothing was restored: a table of row counts would compare the manifest with nothing.
            ctx.Output.Console.MarkupLine($"[red]restore failed, nothing was restored:[/] {Markup.Escape(result.Error ?? "")}");
            return;
        }

        var table = new Table().Title($"Restore of {result.BackupId} into {result.TargetDatabase} (served by {result.ServedBy}{(result.Mode is null ? "" : ", " + result.Mode)})")
            .AddColumn("table").AddColumn(new TableColumn("in manifest").RightAligned()).AddColumn(new TableColumn("restored").RightAligned()).AddColumn("");
        foreach (var name in result.ExpectedRowCounts.Keys.Union(result.RestoredRowCounts.Keys).Order(StringComparer.Ordinal))
        {
            var expected = result.ExpectedRowCounts.TryGetValue(name, out var e) ? e.ToString() : "-";
            var actual = result.RestoredRowCounts.TryGetValue(name, out var a) ? a.ToString() : "-";
            table.AddRow(Markup.Escape(name), expected, actual, expected == actual ? "[green]ok[/]" : "[red]DIFFERS[/]");
        }

        ctx.Output.Console.Write(table);
        ctx.Output.Console.MarkupLine(result.Succeeded
            ? $"[green]restored[/] {result.RestoredRowCounts.Values.Sum()} rows in {result.RestoredRowCounts.Count} tables, equal to the manifest, in {result.Duration.TotalSeconds:F1} s"
            : $"[red]restore failed:[/] {Markup.Escape(result.Error ?? "")}");
    }
}
