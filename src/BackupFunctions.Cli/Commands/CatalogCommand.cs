using System.CommandLine;
using Spectre.Console;
using BackupFunctions.Workflows.Catalog;
using BackupFunctions.Workflows.Catalog.Postgres;

namespace BackupFunctions.Cli.Commands;

/// <summary>backupctl catalog rebuild: refill the control database's catalog from the targets' manifests alone.</summary>
public static class CatalogCommand
{
    public static Command Create(GlobalOptions global)
    {
        var rebuild = new Command("rebuild", "Rebuild the catalog (BackupFunctions:Control:ConnectionString) from the manifests in the targets.");
        rebuild.SetAction((parse, ct) => global.RunAsync(parse, async ctx =>
        {
            // A rebuild reads only the targets: it runs where the source is gone too.
            var env = ctx.CreateEnvironment(forBackups: false);
            var control = env.Options.Control;
            if (string.IsNullOrWhiteSpace(control.ConnectionString))
            {
                throw new UsageException("BackupFunctions:Control:ConnectionString is not set: give the control database that holds the catalog.");
            }

            var found = await TargetCatalogReader.ReadAsync(env.Targets, env.Keys, null, ct);
            foreach (var w in found.Warnings)
            {
                ctx.Output.Step("warning: " + w);
            }

            var catalog = new PostgresBackupCatalog(control.ConnectionString, control.CatalogSchema);
            var count = await catalog.RebuildAsync(found.Entries.Select(e => e.Manifest), ct);
            if (ctx.Output.Json)
            {
                ctx.Output.WriteJson(new { ok = true, backups = count, warnings = found.Warnings });
            }
            else
            {
                ctx.Output.Console.WriteLine($"Catalog rebuilt from {env.Targets.Count} target(s): {count} backup(s).");
            }

            return ExitCodes.Success;
        }));
        return new Command("catalog", "Manage the catalog in the control database.") { rebuild };
    }
}
