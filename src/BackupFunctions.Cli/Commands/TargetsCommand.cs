using System.CommandLine;
using BackupFunctions.Targets;
using Spectre.Console;

namespace BackupFunctions.Cli.Commands;

/// <summary>backupctl targets init: create each target's bucket or container when missing (backups never do).</summary>
public static class TargetsCommand
{
    public static Command Create(GlobalOptions global)
    {
        var init = new Command("init", "Create the bucket, container or directory of every configured target when missing.");
        init.SetAction((parse, ct) => global.RunAsync(parse, async ctx =>
        {
            var options = ctx.LoadOptions(forBackups: false);
            var results = new List<object>();
            var failed = false;
            foreach (var target in options.Targets)
            {
                string state;
                try
                {
                    var backend = BackupTargetFactory.CreateBackend(target);
                    state = backend is IProvisionableTarget p ? (await p.EnsureExistsAsync(ct) ? "created" : "exists") : "exists";
                    (backend as IDisposable)?.Dispose();
                }
                catch (TargetException e)
                {
                    state = "error: " + e.Message;
                    failed = true;
                }

                results.Add(new { target = target.Name, type = target.Type, state });
                if (!ctx.Output.Json)
                {
                    ctx.Output.Console.MarkupLine($"{Markup.Escape(target.Name)} ({Markup.Escape(target.Type)}): {Markup.Escape(state)}");
                }
            }

            if (ctx.Output.Json)
            {
                ctx.Output.WriteJson(new { ok = !failed, targets = results });
            }

            return failed ? ExitCodes.Failed : ExitCodes.Success;
        }));
        return new Command("targets", "Manage the storage targets.") { init };
    }
}
