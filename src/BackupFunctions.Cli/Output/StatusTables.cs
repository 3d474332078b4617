using BackupFunctions.Workflows.Catalog;
using Spectre.Console;

namespace BackupFunctions.Cli.Output;

/// <summary>backupctl status for people: the score, then the checks, the databases and the open alerts as tables.</summary>
public static class StatusTables
{
    public static void Write(IAnsiConsole console, HealthReport health, IReadOnlyList<CatalogAlert> alerts)
    {
        var colour = health.Status switch { "healthy" => "green", "degraded" => "yellow", _ => "red" };
        console.MarkupLine($"Health: [bold {colour}]{health.Score}/100 {health.Status}[/]");

        var checks = new Table().Title("checks").AddColumn("check").AddColumn("database").AddColumn(new TableColumn("deduction").RightAligned()).AddColumn("reason");
        foreach (var c in health.Checks)
        {
            checks.AddRow(Markup.Escape(c.Name), Markup.Escape(c.Database ?? "-"),
                c.Passed ? "[green]0[/]" : $"[red]-{c.Deduction}[/]", Markup.Escape(c.Reason));
        }

        console.Write(checks);

        var databases = new Table().Title("databases").AddColumn("database").AddColumn("last successful full (UTC)").AddColumn("newest full")
            .AddColumn("stored").AddColumn("verified copies").AddColumn("last test restore (UTC)").AddColumn("failed copy checks");
        foreach (var d in health.Databases)
        {
            databases.AddRow(Markup.Escape(d.Database), Time(d.LastSuccessfulFullBackupAt),
                Markup.Escape(d.NewestFullBackupId is null ? "-" : $"{d.NewestFullBackupId} ({d.NewestFullBackupStatus})"),
                d.NewestFullBackupStoredBytes is { } bytes ? CliOutput.Size(bytes) : "-", d.NewestFullBackupVerifiedCopies.ToString(),
                Time(d.LastSuccessfulTestRestoreAt), d.FailedCopyChecks.ToString());
        }

        console.Write(databases);

        if (alerts.Count == 0)
        {
            console.MarkupLine("[green]No open alerts.[/]");
            return;
        }

        var open = new Table().Title("open alerts").AddColumn("id").AddColumn("severity").AddColumn("code").AddColumn("last seen (UTC)")
            .AddColumn("times").AddColumn("message");
        foreach (var a in alerts)
        {
            var severity = a.Severity == "critical" ? "[red]critical[/]" : Markup.Escape(a.Severity);
            open.AddRow(a.Id.ToString(), severity, Markup.Escape(a.Code), Time(a.LastSeenAt), a.Occurrences.ToString(), Markup.Escape(a.Message));
        }

        console.Write(open);
    }

    private static string Time(DateTimeOffset? t) => t?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss") ?? "never";
}
