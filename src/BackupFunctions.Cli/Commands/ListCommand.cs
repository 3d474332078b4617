using System.CommandLine;
using BackupFunctions.Cli.Output;
using BackupFunctions.Workflows.Catalog;
using Spectre.Console;

namespace BackupFunctions.Cli.Commands;

/// <summary>backupctl list: the backups the targets hold, read from their manifests alone.</summary>
public static class ListCommand
{
    public static Command Create(GlobalOptions global)
    {
        var database = new Option<string?>("--database", "-d") { Description = "Only this database's backups." };
        var command = new Command("list", "List the backups found in the configured targets (newest first).") { database };
        command.SetAction((parse, ct) => global.RunAsync(parse, async ctx =>
        {
            var env = ctx.CreateEnvironment(forBackups: false);
            var catalog = await TargetCatalogReader.ReadAsync(env.Targets, env.Keys, parse.GetValue(database), ct);
            StartupTrace.Mark($"catalog read ({catalog.Entries.Count})");
            if (ctx.Output.Json)
            {
                ctx.Output.WriteJson(new
                {
                    ok = true,
                    backups = catalog.Entries.Select(e => new { e.Manifest, e.FoundIn, e.VerifiedTargets, e.Signed }),
                    invalid = catalog.Invalid.Select(i => new { i.Target, i.Key, i.BackupId, i.Reason, i.Forged }),
                    catalog.Warnings,
                });
                return ExitCodes.Success;
            }

            foreach (var w in catalog.Warnings.Where(w => !catalog.Invalid.Any(i => w.Contains(i.Key, StringComparison.Ordinal))))
            {
                ctx.Output.Progress.MarkupLine($"[yellow]warning:[/] {Markup.Escape(w)}");
            }

            var table = new Table().AddColumn("backup id").AddColumn("kind").AddColumn("database").AddColumn("created (UTC)")
                .AddColumn("stored").AddColumn("tables").AddColumn("verified copies").AddColumn("signed");
            foreach (var e in catalog.Entries)
            {
                var m = e.Manifest;
                table.AddRow(Markup.Escape(m.BackupId), m.Kind.ToString(), Markup.Escape(m.Database ?? "-"),
                    m.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss"), CliOutput.Size(m.StoredBytes),
                    m.RowCounts.Count.ToString(), Markup.Escape(string.Join(", ", e.VerifiedTargets)),
                    e.Signed ? "[green]yes[/]" : "[yellow]no (written before signing)[/]");
            }

            // A refused manifest is shown where its backup would be, so nobody mistakes a forged or broken one for a gap.
            foreach (var i in catalog.Invalid)
            {
                table.AddRow(Markup.Escape(i.BackupId ?? "?"), "[red]INVALID[/]", "-", "-", "-", "-", Markup.Escape(i.Target),
                    Markup.Escape(i.Forged ? "FORGED: " + i.Reason : i.Reason));
            }

            ctx.Output.Console.Write(table);
            return ExitCodes.Success;
        }));
        return command;
    }
}
