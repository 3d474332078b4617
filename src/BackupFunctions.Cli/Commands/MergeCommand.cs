using BackupFunctions.Pipeline.Processes;
using BackupFunctions.Workflows;
using BackupFunctions.Workflows.Catalog;
using BackupFunctions.Workflows.Restore.Merge;
using Spectre.Console;

namespace BackupFunctions.Cli.Commands;

/// <summary>backupctl restore &lt;tenant backup id&gt; --to &lt;existing database&gt; --merge: the tenant's data only, the other tenants untouched.</summary>
internal static class MergeCommand
{
    public static async Task<int> RunAsync(CommandContext ctx, BackupEnvironment env, TargetCatalog catalog, string backupId,
        PgConnectionInfo destination, bool replace, CancellationToken ct)
    {
        if (string.Equals(backupId, "latest", StringComparison.OrdinalIgnoreCase))
        {
            throw new UsageException("--merge needs the id of a tenant backup, not 'latest' ('backupctl list' shows them).");
        }

        var entry = catalog.Resolve(backupId);
        if (MergePreconditions.CheckBackup(entry.Manifest) is { } notTenant)
        {
            throw new UsageException("--merge: " + notTenant);
        }

        if (await MergePreconditions.CheckDatabaseAsync(destination, ct) is { } noDatabase)
        {
            throw new UsageException("--merge: " + noDatabase);
        }

        ctx.Output.Step($"merging tenant {entry.Manifest.TenantId} from {entry.BackupId} into {destination}{(replace ? ", replacing its rows" : "")}");
        var result = await new TenantMergeRunner(env).RunAsync(entry, destination, replace, new SynchronousProgress<string>(ctx.Output.Step), ct);
        Render(ctx, result);
        return result.Succeeded ? ExitCodes.Success : ExitCodes.Failed;
    }

    private static void Render(CommandContext ctx, TenantMergeResult result)
    {
        if (ctx.Output.Json)
        {
            ctx.Output.WriteJson(new
            {
                ok = result.Succeeded,
                mode = "merge",
                result.BackupId,
                result.TenantId,
                result.TargetDatabase,
                result.ServedBy,
                result.Replaced,
                result.RowsMerged,
                durationSeconds = Math.Round(result.Duration.TotalSeconds, 2),
                result.Attempts,
                result.LoadOrder,
                checks = result.Checks.Select(c => new
                {
                    c.Table, c.Shared, c.Expected, c.TotalBefore, c.TenantBefore, c.Deleted, c.TotalAfter, c.TenantAfter,
                    c.Merged, c.OthersBefore, c.OthersAfter, c.Ok,
                }),
                result.Warnings,
                result.Error,
            });
            return;
        }

        foreach (var a in result.Attempts.Where(a => !a.Succeeded))
        {
            ctx.Output.Progress.MarkupLine($"[yellow]{Markup.Escape(a.Target)} failed:[/] {Markup.Escape(a.Error ?? "")}");
        }

        var table = new Table().Title($"Merge of tenant {Markup.Escape(result.TenantId)} ({result.BackupId}) into {Markup.Escape(result.TargetDatabase)}")
            .AddColumn("table").AddColumn(new TableColumn("manifest").RightAligned()).AddColumn(new TableColumn("merged").RightAligned())
            .AddColumn(new TableColumn("others before").RightAligned()).AddColumn(new TableColumn("others after").RightAligned()).AddColumn("");
        foreach (var c in result.Checks)
        {
            table.AddRow(Markup.Escape(c.Table) + (c.Shared ? " (shared)" : ""), c.Expected.ToString(), c.Merged.ToString(),
                c.OthersBefore.ToString(), c.OthersAfter.ToString(), c.Ok ? "[green]ok[/]" : "[red]DIFFERS[/]");
        }

        ctx.Output.Console.Write(table);
        foreach (var w in result.Warnings)
        {
            ctx.Output.Progress.MarkupLine($"[yellow]note:[/] {Markup.Escape(w)}");
        }

        ctx.Output.Console.MarkupLine(result.Succeeded
            ? $"[green]merged[/] {result.RowsMerged} rows of tenant {Markup.Escape(result.TenantId)}; other tenants' rows unchanged; in {result.Duration.TotalSeconds:F1} s"
            : $"[red]merge failed, nothing changed:[/] {Markup.Escape(result.Error ?? "")}");
    }
}
