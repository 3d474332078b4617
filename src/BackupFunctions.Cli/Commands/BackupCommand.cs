using System.CommandLine;
using BackupFunctions.Cli.Output;
using BackupFunctions.Workflows.Operations;
using Spectre.Console;

namespace BackupFunctions.Cli.Commands;

/// <summary>backupctl backup [--database D] [--targets a,b]: one backup, to every target at once.</summary>
public static class BackupCommand
{
    public static Command Create(GlobalOptions global)
    {
        var database = new Option<string?>("--database", "-d") { Description = "Database to back up (default: the source connection string's database)." };
        var targets = new Option<string?>("--targets", "-t") { Description = "Comma-separated target names (default: all configured targets)." };
        var command = new Command("backup", "Back up a database to every configured target, then read each copy back and check its SHA-256.")
        {
            database, targets,
        };
        command.SetAction((parse, ct) => global.RunAsync(parse, async ctx =>
        {
            var names = parse.GetValue(targets)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            // Only the named targets are built: a backup to one of them does not load the others' SDKs.
            var env = ctx.CreateEnvironment(onlyTargets: names);
            // -v adds what the process has spent at each step (wall, CPU, JIT), to see where the fixed cost goes.
            var progress = new SynchronousProgress<BackupProgress>(p =>
                ctx.Output.Step(ctx.Verbose ? Describe(p) + " " + ProcessCost.Now() : Describe(p)));
            var result = await new DirectBackupRunner(env).RunAsync(parse.GetValue(database), names, progress, ct);
            Render(ctx.Output, result);
            if (ctx.Verbose) ctx.Output.Step("done " + ProcessCost.Now());
            return result.Status switch
            {
                BackupRunStatus.Succeeded => ExitCodes.Success,
                BackupRunStatus.Partial => ExitCodes.Partial,
                _ => ExitCodes.Failed,
            };
        }));
        return command;
    }

    private static string Describe(BackupProgress p) => p.Stage switch
    {
        "preflight" => "preflight: checking the source (pg_dump version, row-level security) while the dump starts",
        "dump" when p.Bytes > 0 => $"dump: {CliOutput.Size(p.Bytes)} read from pg_dump",
        // The dump starts beside the preflight; a refusal stops it before anything is stored.
        "dump" => "dump: starting",
        "failed" => $"{p.Target}: FAILED {p.Error}",
        _ => $"{p.Target}: {p.Stage}{(p.Bytes > 0 ? $" ({CliOutput.Size(p.Bytes)})" : "")}",
    };

    private static void Render(CliOutput output, BackupRunResult result)
    {
        if (output.Json)
        {
            output.WriteJson(new
            {
                ok = result.Status == BackupRunStatus.Succeeded,
                result.BackupId,
                result.Database,
                result.Status,
                durationSeconds = Math.Round(result.Duration.TotalSeconds, 2),
                result.Error,
                result.Copies,
                result.Manifest,
            });
            return;
        }

        var m = result.Manifest;
        var table = new Table().Title($"Backup {result.BackupId} of {result.Database}: [bold]{result.Status}[/]")
            .AddColumn("target").AddColumn("object").AddColumn("size").AddColumn("verified").AddColumn("detail");
        foreach (var c in result.Copies)
        {
            table.AddRow(Markup.Escape(c.Target), Markup.Escape(c.ObjectKey), CliOutput.Size(c.Bytes),
                c.Verified ? "[green]yes[/]" : "[red]no[/]", Markup.Escape(c.Error ?? ""));
        }

        output.Console.Write(table);
        if (m is not null)
        {
            output.Console.MarkupLine(Markup.Escape(
                $"plain {CliOutput.Size(m.RawBytes)} -> stored {CliOutput.Size(m.StoredBytes)} ({m.Compression} level {m.CompressionLevel}, key {m.KeyId}), " +
                $"{m.RowCounts.Count} tables, {m.RowCounts.Values.Sum()} rows, {result.Duration.TotalSeconds:F1} s, sha256 {m.StoredSha256}"));
        }
    }
}
