using System.CommandLine;
using BackupFunctions.Cli.Output;
using BackupFunctions.Workflows.Catalog;
using BackupFunctions.Workflows.Verification;
using Spectre.Console;

namespace BackupFunctions.Cli.Commands;

/// <summary>backupctl verify &lt;id|latest&gt;: re-read every copy and check it end to end.</summary>
public static class VerifyCommand
{
    public static Command Create(GlobalOptions global)
    {
        var backup = new Argument<string>("backup") { Description = "A backup id, or 'latest'." };
        var database = new Option<string?>("--database", "-d") { Description = "With 'latest': the newest backup of this database." };
        var command = new Command("verify", "Read every stored copy back, check its SHA-256, decrypt and decompress it.") { backup, database };
        command.SetAction((parse, ct) => global.RunAsync(parse, async ctx =>
        {
            var env = ctx.CreateEnvironment(forBackups: false);
            var catalog = await TargetCatalogReader.ReadForAsync(env.Targets, env.Keys, parse.GetValue(database), parse.GetValue(backup)!, latestKind: null, ct);
            var entry = catalog.Resolve(parse.GetValue(backup)!);
            ctx.Output.Step($"verifying {entry.BackupId} in {string.Join(", ", entry.FoundIn)}");
            var result = await new VerifyRunner(env).RunAsync(entry, ct);
            // A refused manifest of this backup in any target (altered row counts, a stripped signature) is
            // damage to the backup's record even when the artifact copies are intact.
            // For "latest", a refused manifest of a newer backup counts too: "latest" skipped it, and that must not pass silently.
            var latest = string.Equals(parse.GetValue(backup), "latest", StringComparison.OrdinalIgnoreCase);
            var refused = catalog.Invalid.Where(i => i.BackupId == entry.BackupId
                || (latest && string.CompareOrdinal(i.BackupId, entry.BackupId) > 0)).ToList();
            var ok = result.AllIntact && refused.Count == 0;
            if (ctx.Output.Json)
            {
                ctx.Output.WriteJson(new
                {
                    ok, result.BackupId, result.Signed, result.Copies,
                    invalidManifests = refused.Select(i => new { i.Target, i.Key, i.Reason, i.Forged }), catalog.Warnings,
                });
            }
            else
            {
                var table = new Table().Title($"Verify {result.BackupId}")
                    .AddColumn("target").AddColumn("size").AddColumn("intact").AddColumn("seconds").AddColumn("detail");
                foreach (var c in result.Copies)
                {
                    table.AddRow(Markup.Escape(c.Target), c.SizeUnknown ? "unreadable" : CliOutput.Size(c.Bytes), c.Intact ? "[green]yes[/]" : c.Unreachable ? "[yellow]unreadable[/]" : "[red]NO[/]",
                        c.Duration.TotalSeconds.ToString("F1"), Markup.Escape(c.Error ?? ""));
                }

                foreach (var i in refused)
                {
                    table.AddRow(Markup.Escape(i.Target), "-", "[red]NO[/]", "-", Markup.Escape("manifest refused: " + i.Reason));
                }

                ctx.Output.Console.Write(table);
                if (!result.Signed)
                {
                    ctx.Output.Progress.MarkupLine("[yellow]warning:[/] this backup's manifest is unsigned (written before manifests were signed): its copies are intact, but nothing proves the manifest (row counts, sizes) unaltered.");
                }

                foreach (var w in catalog.Warnings)
                {
                    ctx.Output.Progress.MarkupLine($"[yellow]warning:[/] {Markup.Escape(w)}");
                }
            }

            // Exit 4 means damaged bytes or keys that do not open them; a target that could not be read is a failure (1), as docs/cli.md says.
            return ok ? ExitCodes.Success
                : refused.Count > 0 || result.Copies.Any(c => !c.Intact && !c.Unreachable) || result.Copies.Count == 0 ? ExitCodes.Integrity
                : ExitCodes.Failed;
        }));
        return command;
    }
}
