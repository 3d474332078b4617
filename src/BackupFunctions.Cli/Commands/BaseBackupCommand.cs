using System.CommandLine;
using BackupFunctions.Workflows.Pitr;
using Spectre.Console;

namespace BackupFunctions.Cli.Commands;

/// <summary>backupctl basebackup: one pg_basebackup of the source cluster to every WAL target, the starting point of a PITR restore.</summary>
public static class BaseBackupCommand
{
    public static Command Create(GlobalOptions global)
    {
        var command = new Command("basebackup", "Take a base backup (pg_basebackup, tar, no WAL) of the source cluster to every WAL target, for point-in-time recovery.");
        command.SetAction((parse, ct) => global.RunAsync(parse, async ctx =>
        {
            var env = ctx.CreateEnvironment();
            var result = await new BaseBackupRunner(env).RunAsync(new SynchronousProgress<string>(ctx.Output.Step), ct);
            var m = result.Manifest;
            if (ctx.Output.Json)
            {
                ctx.Output.WriteJson(new { ok = result.Complete, manifest = m, targets = result.Targets, durationSeconds = Math.Round(result.Duration.TotalSeconds, 2) });
            }
            else
            {
                foreach (var t in result.Targets.Where(t => !t.Durable))
                    ctx.Output.Progress.WriteLine($"{t.Target}: FAILED {t.Error}");
                ctx.Output.Console.WriteLine(
                    $"base backup {m.BackupId}: {m.RawBytes} bytes → {m.StoredBytes} stored on {string.Join(", ", m.Targets)}; " +
                    $"WAL from {m.StartWalFile} (LSN {m.StartLsn}, timeline {m.Timeline}); consistent for targets after {m.CompletedAt:yyyy-MM-dd'T'HH:mm:ss.fff'Z'}; {result.Duration.TotalSeconds:F1} s");
            }

            return result.Complete ? ExitCodes.Success : ExitCodes.Partial;
        }));
        return command;
    }
}
