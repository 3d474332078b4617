using System.CommandLine;
using BackupFunctions.Workflows.Pitr;
using Spectre.Console;

namespace BackupFunctions.Cli.Commands;

/// <summary>
/// backupctl wal push|fetch: PostgreSQL's archive_command and restore_command (docs/pitr.md).
/// Both are silent on success, because PostgreSQL copies their output into the server log.
/// </summary>
public static class WalCommand
{
    /// <summary>
    /// wal fetch's exit code for "archived, but no good copy could be fetched". PostgreSQL reads any
    /// exit code above 125 as fatal and stops recovery, where 1-125 means "not in the archive" and
    /// would end recovery early, silently dropping every transaction after this point.
    /// </summary>
    public const int AbortRecovery = 126;

    /// <summary>wal fetch's exit code for a file the archive does not have (PostgreSQL's normal probe).</summary>
    public const int NotArchived = 1;

    public static Command Create(GlobalOptions global)
    {
        var command = new Command("wal", "Continuous WAL archiving: archive_command and restore_command for point-in-time recovery.");
        command.Subcommands.Add(CreatePush(global));
        command.Subcommands.Add(CreateFetch(global));
        command.Subcommands.Add(CreateRetention(global));
        return command;
    }

    private static Command CreatePush(GlobalOptions global)
    {
        var path = new Argument<string>("path") { Description = "The WAL file to archive (archive_command's %p)." };
        var command = new Command("push", "Archive one WAL file: compress, encrypt and upload it to every WAL target; exit 0 once enough copies are durable.") { path };
        command.SetAction((parse, ct) => global.RunAsync(parse, async ctx =>
        {
            var env = ctx.CreateEnvironment(forBackups: false, usesStaging: false);
            WalPushResult result;
            try
            {
                result = await new WalPusher(env).PushAsync(parse.GetValue(path)!, ct);
            }
            catch (ArgumentException e)
            {
                throw new UsageException(e.Message);
            }

            if (ctx.Output.Json)
            {
                ctx.Output.WriteJson(new
                {
                    ok = result.Succeeded,
                    result.WalFile,
                    result.PlainBytes,
                    result.StoredBytes,
                    result.PlainSha256,
                    result.Required,
                    result.DurableCopies,
                    durationMs = Math.Round(result.Duration.TotalMilliseconds),
                    targets = result.Targets,
                });
            }

            if (result.Succeeded)
            {
                ctx.Output.Step($"{result.WalFile}: durable on {result.DurableCopies} target(s) ({string.Join(", ", result.Targets.Select(t => $"{t.Target} {t.Status}"))}) in {result.Duration.TotalMilliseconds:F0} ms");
                return ExitCodes.Success;
            }

            var problems = string.Join("; ", result.Targets.Where(t => !t.Durable).Select(t => $"{t.Target}: {t.Error}"));
            var message = result.HasConflict
                ? $"{result.WalFile} was NOT archived: the archive already holds a different file under this name. {problems}"
                : $"{result.WalFile} is durable on {result.DurableCopies} of the {result.Required} required target(s); PostgreSQL keeps it and retries. {problems}";
            if (!ctx.Output.Json) ctx.Output.Error(message, ExitCodes.Failed);
            return ExitCodes.Failed;
        }));
        return command;
    }

    private static Command CreateFetch(GlobalOptions global)
    {
        var file = new Argument<string>("file") { Description = "The WAL file name PostgreSQL asks for (restore_command's %f)." };
        var destination = new Argument<string>("destination") { Description = "Where to write it (restore_command's %p)." };
        var cache = new Option<string?>("--cache-dir") { Description = "Where prefetched segments are kept (default: BackupFunctions:Pitr:CacheDirectory)." };
        var command = new Command("fetch", "Fetch one archived WAL file for recovery, and prefetch the following segments. Exit 1: not archived; 126: archived but unreadable (stops recovery).")
        {
            file, destination, cache,
        };
        // Not global.RunAsync: its exit codes 2-5 would read to PostgreSQL as "not archived" and end recovery early.
        command.SetAction(async (parse, ct) =>
        {
            using var ctx = new CommandContext(parse.GetValue(global.Config), parse.GetValue(global.Json), parse.GetValue(global.Verbose));
            var name = parse.GetValue(file)!;
            try
            {
                var env = ctx.CreateEnvironment(forBackups: false, usesStaging: false);
                var result = await new WalFetcher(env, parse.GetValue(cache)).FetchAsync(name, parse.GetValue(destination)!, ct);
                if (ctx.Output.Json)
                    ctx.Output.WriteJson(new { ok = true, result.WalFile, result.ServedBy, result.Bytes, result.Prefetched, durationMs = Math.Round(result.Duration.TotalMilliseconds) });
                ctx.Output.Step($"{result.WalFile}: from {result.ServedBy}, {result.Prefetched} following segment(s) prefetched, {result.Duration.TotalMilliseconds:F0} ms");
                return ExitCodes.Success;
            }
            catch (WalNotArchivedException e)
            {
                // PostgreSQL probes for history files and for the segment after the last one: say nothing for those.
                if (ctx.Output.Json) ctx.Output.WriteJson(new { ok = false, exitCode = NotArchived, error = e.Message });
                else if (!WalFileName.IsHistory(name) || parse.GetValue(global.Verbose)) ctx.Output.Progress.WriteLine(e.Message);
                return NotArchived;
            }
            catch (OperationCanceledException)
            {
                ctx.Output.Error("Cancelled.", ExitCodes.Cancelled);
                return ExitCodes.Cancelled;
            }
            catch (Exception e)
            {
                var (_, message) = ErrorMapping.Map(e is ArgumentException ? new UsageException(e.Message) : e);
                ctx.Output.Error($"wal fetch {name}: {message} Recovery stops here rather than end early; fix the archive or the settings and start the server again.", AbortRecovery);
                return AbortRecovery;
            }
        });
        return command;
    }

    private static Command CreateRetention(GlobalOptions global)
    {
        var dryRun = new Option<bool>("--dry-run") { Description = "List what would be deleted; delete nothing." };
        var keep = new Option<int?>("--keep") { Description = "Base backups to keep per WAL target (default: BackupFunctions:Pitr:KeepBaseBackups)." };
        var command = new Command("retention",
            "WAL-aware retention: keep the newest base backups and every WAL file from the oldest kept one's start on; delete older base backups and WAL.")
        {
            dryRun, keep,
        };
        command.SetAction((parse, ct) => global.RunAsync(parse, async ctx =>
        {
            var env = ctx.CreateEnvironment(forBackups: false, usesStaging: false);
            if (parse.GetValue(keep) is { } n) env.Options.Pitr.KeepBaseBackups = n;
            if (env.Options.Pitr.KeepBaseBackups < 1)
                throw new UsageException("Say how many base backups to keep: --keep N (1 or more) or BackupFunctions:Pitr:KeepBaseBackups.");
            var retention = new PitrRetention(env);
            var results = new List<PitrRetentionResult>();
            foreach (var target in WalTargets.Select(env))
                results.Add(await retention.ApplyAsync(target, parse.GetValue(dryRun), ct));

            if (ctx.Output.Json)
            {
                ctx.Output.WriteJson(new { ok = results.All(r => r.Plan.Blocked is null), dryRun = parse.GetValue(dryRun), targets = results });
            }
            else
            {
                foreach (var r in results)
                {
                    var p = r.Plan;
                    var verb = r.DryRun ? "would delete" : "deleted";
                    System.Console.Out.WriteLine($"{p.Target}: keeps {string.Join(", ", p.KeptBaseBackups)}; WAL from {p.WalCutoff ?? "(all)"} on ({p.WalFilesKept} file(s))");
                    if (p.Blocked is not null) System.Console.Out.WriteLine($"  skipped: {p.Blocked}");
                    foreach (var id in p.DeletableBaseBackups) System.Console.Out.WriteLine($"  {verb} base backup {id}");
                    foreach (var f in p.DeletableWalFiles) System.Console.Out.WriteLine($"  {verb} WAL {f}");
                }
            }

            return results.All(r => r.Plan.Blocked is null) ? ExitCodes.Success : ExitCodes.Failed;
        }));
        return command;
    }
}
