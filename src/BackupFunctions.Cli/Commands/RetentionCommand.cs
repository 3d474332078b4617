using System.CommandLine;
using BackupFunctions.Workflows;
using BackupFunctions.Workflows.Catalog.Postgres;
using BackupFunctions.Workflows.Retention;
using Spectre.Console;

namespace BackupFunctions.Cli.Commands;

/// <summary>
/// backupctl retention plan|apply: what retention would delete and which rule keeps or drops each copy, and carrying
/// it out. The plan is the one the scheduled retention orchestration applies (<see cref="RetentionRun"/>).
/// </summary>
public static class RetentionCommand
{
    public static Command Create(GlobalOptions global)
    {
        var planTarget = TargetOption();
        var all = new Option<bool>("--all") { Description = "Show kept copies too (default: only what would go, and what is locked)." };
        var plan = new Command("plan", "Dry run: list what retention would delete, and the rule that keeps or drops each copy. Deletes nothing.") { planTarget, all };
        plan.SetAction((parse, ct) => global.RunAsync(parse, async ctx =>
        {
            var (env, run) = Open(ctx, requireControl: false);
            var planned = await run.PlanAsync(DateTimeOffset.UtcNow, ct);
            var decisions = Select(planned.Plan, parse.GetValue(planTarget), env).ToList();
            Render(ctx, planned, parse.GetValue(all) ? decisions : decisions.Where(d => d.Action != RetentionAction.Keep).ToList(), decisions, applied: null);
            return ExitCodes.Success;
        }));

        var applyTarget = TargetOption();
        var yes = new Option<bool>("--yes") { Description = "Delete without asking. Needed when stdin is not a terminal." };
        var apply = new Command("apply", "Delete what the plan marks for deletion: artifact, then manifest, each recorded in the catalog's deletions.") { applyTarget, yes };
        apply.SetAction((parse, ct) => global.RunAsync(parse, async ctx =>
        {
            if (!parse.GetValue(yes) && Console.IsInputRedirected)
            {
                throw new UsageException("Standard input is not a terminal, so confirmation cannot be asked: run 'backupctl retention plan' to see what goes, then pass --yes.");
            }

            var (env, run) = Open(ctx, requireControl: true);
            var planned = await run.PlanAsync(DateTimeOffset.UtcNow, ct);
            var target = parse.GetValue(applyTarget);
            var decisions = Select(planned.Plan, target, env).ToList();
            var going = decisions.Count(d => d.Action == RetentionAction.Delete);
            if (going > 0 && !parse.GetValue(yes))
            {
                Render(ctx, planned, decisions.Where(d => d.Action != RetentionAction.Keep).ToList(), decisions, applied: null);
                if (!ctx.Output.Progress.Confirm($"Delete {going} cop{(going == 1 ? "y" : "ies")}?", defaultValue: false))
                {
                    ctx.Output.Step("nothing deleted");
                    return ExitCodes.Success;
                }
            }

            var applied = await run.ApplyAsync(planned.Plan, target, "backupctl:" + Environment.MachineName, ct);
            Render(ctx, planned, applied.Deleted.ToList(), decisions, applied);
            return applied.Failed.Count > 0 ? ExitCodes.Partial : ExitCodes.Success;
        }));

        return new Command("retention", "Plan and apply retention (per target and kind: keep-days, keep-count, daily/weekly/monthly).") { plan, apply };
    }

    private static Option<string?> TargetOption() => new("--target", "-t") { Description = "Only this target's copies (the plan still reads every target)." };

    private static (BackupEnvironment Env, RetentionRun Run) Open(CommandContext ctx, bool requireControl)
    {
        var env = ctx.CreateEnvironment(forBackups: false);
        var control = env.Options.Control;
        if (string.IsNullOrWhiteSpace(control.ConnectionString))
        {
            if (requireControl)
                throw new UsageException("BackupFunctions:Control:ConnectionString is not set: retention records each deletion in the catalog before it deletes, so apply needs the control database.");
            return (env, new RetentionRun(env.Targets, env.Keys, env.Options.Retention, null, null));
        }

        var catalog = new PostgresBackupCatalog(ControlDataSource.Create(control), control.CatalogSchema);
        var ledger = new PostgresRetentionLedger(ControlDataSource.Create(control), control.CatalogSchema, catalog);
        return (env, new RetentionRun(env.Targets, env.Keys, env.Options.Retention, ledger, catalog));
    }

    private static IEnumerable<RetentionDecision> Select(RetentionPlan plan, string? target, BackupEnvironment env)
    {
        if (target is null) return plan.Decisions;
        if (env.FindTarget(target) is null)
            throw new UsageException($"--target '{target}' is not configured; the targets are: {string.Join(", ", env.Targets.Select(t => t.Name))}.");
        return plan.For(target);
    }

    private static void Render(CommandContext ctx, RetentionPlanResult planned, IReadOnlyList<RetentionDecision> rows, IReadOnlyList<RetentionDecision> all, RetentionApplyResult? applied)
    {
        var counts = new
        {
            keep = all.Count(d => d.Action == RetentionAction.Keep),
            delete = all.Count(d => d.Action == RetentionAction.Delete),
            locked = all.Count(d => d.Action == RetentionAction.Locked),
        };
        if (ctx.Output.Json)
        {
            ctx.Output.WriteJson(new
            {
                ok = applied is null || applied.Failed.Count == 0,
                dryRun = applied is null,
                plannedAt = planned.Plan.PlannedAt,
                counts,
                decisions = (applied is null ? all : rows).Select(d => new
                {
                    d.Copy.BackupId, d.Copy.Target, kind = d.Copy.Kind.ToString().ToLowerInvariant(), d.Copy.Database, d.Copy.TenantId, d.Copy.CreatedAt,
                    d.Copy.Verified, action = d.Action.ToString().ToLowerInvariant(), d.Rule, d.Reason, d.Copy.LockedUntil,
                }),
                failed = applied?.Failed ?? [],
                leasedSincePlan = applied?.LeasedSincePlan.Select(d => new { d.Copy.BackupId, d.Copy.Target }),
                planned.Unreachable,
                planned.Warnings,
            });
            return;
        }

        foreach (var w in planned.Warnings)
        {
            ctx.Output.Progress.MarkupLine($"[yellow]warning:[/] {Markup.Escape(w)}");
        }

        var table = new Table().AddColumn("target").AddColumn("backup id").AddColumn("series").AddColumn("created (UTC)")
            .AddColumn("verified").AddColumn(applied is null ? "action" : "done").AddColumn("rule").AddColumn("why");
        foreach (var d in rows)
        {
            var action = applied is not null ? "[red]deleted[/]" : d.Action switch
            {
                RetentionAction.Delete => "[red]delete[/]",
                RetentionAction.Locked => "[yellow]locked[/]",
                _ => "[green]keep[/]",
            };
            table.AddRow(Markup.Escape(d.Copy.Target), Markup.Escape(d.Copy.BackupId), Markup.Escape(d.Copy.Series),
                d.Copy.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm"), d.Copy.Verified ? "yes" : "no", action, Markup.Escape(d.Rule), Markup.Escape(d.Reason));
        }

        ctx.Output.Console.Write(table);
        ctx.Output.Console.WriteLine(applied is null
            ? $"Plan: {counts.delete} to delete, {counts.locked} locked, {counts.keep} kept. Nothing was deleted (dry run)."
            : $"Deleted {applied.Deleted.Count} cop{(applied.Deleted.Count == 1 ? "y" : "ies")}; {applied.Failed.Count} failed, {applied.LeasedSincePlan.Count} kept for a restore that started meanwhile.");
        foreach (var f in applied?.Failed ?? [])
        {
            ctx.Output.Progress.MarkupLine($"[red]failed:[/] {Markup.Escape(f)}");
        }
    }
}
