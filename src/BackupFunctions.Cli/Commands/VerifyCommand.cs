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
            var catalog = await TargetCatalogReader.ReadAsync(env.Targets, parse.GetValue(database), ct);
            var entry = catalog.Resolve(parse.GetValue(backup)!);
            ctx.Output.Step($"verifying {entry.BackupId} in {string.Join(", ", entry.FoundIn)}");
            var result = await new VerifyRunner(env).RunAsync(entry, ct);
            if (ctx.Output.Json)
            {
                ctx.Output.WriteJson(new { ok = result.AllIntact, result.BackupId, result.Copies });
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

                ctx.Output.Console.Write(table);
            }

            // Exit 4 means damaged bytes or keys that do not open them; a target that could not be read is a failure (1), as docs/cli.md says.
            return result.AllIntact ? ExitCodes.Success
                : result.Copies.Any(c => !c.Intact && !c.Unreachable) || result.Copies.Count == 0 ? ExitCodes.Integrity
                : ExitCodes.Failed;
        }));
        return command;
    }
}
