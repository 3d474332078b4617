using System.CommandLine;
using BackupFunctions.Workflows.Alerts;
using BackupFunctions.Workflows.Catalog;
using BackupFunctions.Workflows.Catalog.Postgres;
using BackupFunctions.Workflows.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Spectre.Console;

namespace BackupFunctions.Cli.Commands;

/// <summary>
/// backupctl alerts: list the open alerts (--all: the whole history), ack one, resolve one, and show what was
/// delivered where (notifications). Reads the catalog in the control database; resolving is announced to the
/// configured channels like an automatic resolve.
/// </summary>
public static class AlertsCommand
{
    public static Command Create(GlobalOptions global)
    {
        var all = new Option<bool>("--all") { Description = "The whole history: acknowledged and resolved alerts too." };
        var limit = new Option<int>("--limit") { Description = "At most this many (1-1000).", DefaultValueFactory = _ => 200 };
        var command = new Command("alerts", "List the open alerts (backupctl alerts ack|resolve|notifications act on one).") { all, limit };
        command.SetAction((parse, ct) => global.RunAsync(parse, async ctx =>
        {
            var alerts = await Catalog(ctx).ListAlertsAsync(parse.GetValue(all), Math.Clamp(parse.GetValue(limit), 1, 1000), ct);
            if (ctx.Output.Json)
            {
                ctx.Output.WriteJson(new { ok = true, alerts });
                return ExitCodes.Success;
            }

            var table = new Table().AddColumn("id").AddColumn("severity").AddColumn("code").AddColumn("state").AddColumn("last seen (UTC)")
                .AddColumn("count").AddColumn("message");
            foreach (var a in alerts)
            {
                var state = a.ResolvedAt is not null ? "[green]resolved[/]" : a.AcknowledgedAt is not null ? $"acked by {Markup.Escape(a.AcknowledgedBy ?? "?")}" : "[red]open[/]";
                table.AddRow(a.Id.ToString(), Severity(a.Severity), Markup.Escape(a.Code), state, a.LastSeenAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss"),
                    a.Occurrences.ToString(), Markup.Escape(a.Message));
            }

            ctx.Output.Console.Write(table);
            if (alerts.Count == 0)
            {
                ctx.Output.Console.WriteLine(parse.GetValue(all) ? "No alerts recorded." : "No open alerts.");
            }

            return ExitCodes.Success;
        }));
        command.Subcommands.Add(Ack(global));
        command.Subcommands.Add(Resolve(global));
        command.Subcommands.Add(Notifications(global));
        return command;
    }

    private static Command Ack(GlobalOptions global)
    {
        var id = new Argument<long>("id") { Description = "The alert's id (backupctl alerts lists them)." };
        var by = new Option<string?>("--by") { Description = "Who takes it on (default: $USER)." };
        var command = new Command("ack", "Acknowledge an alert: silence it without ending it (it stays open until its condition clears).") { id, by };
        command.SetAction((parse, ct) => global.RunAsync(parse, async ctx =>
        {
            var who = parse.GetValue(by) ?? Environment.UserName;
            if (!await Catalog(ctx).AcknowledgeAlertAsync(parse.GetValue(id), who, ct))
            {
                return NotFound(ctx, parse.GetValue(id));
            }

            return Done(ctx, new { ok = true, id = parse.GetValue(id), acknowledged = true, by = who }, $"Alert {parse.GetValue(id)} acknowledged by {who}.");
        }));
        return command;
    }

    private static Command Resolve(GlobalOptions global)
    {
        var id = new Argument<long>("id") { Description = "The alert's id (backupctl alerts lists them)." };
        var reason = new Option<string?>("--reason") { Description = "Why it is over; kept in the alert's history." };
        var command = new Command("resolve", "Resolve an alert whose condition you know is over; the channels are told.") { id, reason };
        command.SetAction((parse, ct) => global.RunAsync(parse, async ctx =>
        {
            var options = Options(ctx);
            var catalog = Catalog(options);
            var dispatcher = new AlertDispatcher(AlertChannelFactory.Create(options.Alerts), catalog, options.Alerts.Delivery,
                NullLogger<AlertDispatcher>.Instance, TimeProvider.System);
            var why = parse.GetValue(reason) ?? $"resolved by {Environment.UserName} with backupctl";
            if (await new AlertService(catalog, dispatcher).ResolveByIdAsync(parse.GetValue(id), why, ct) is not { } resolved)
            {
                return NotFound(ctx, parse.GetValue(id));
            }

            var text = resolved.JustResolved ? $"Alert {parse.GetValue(id)} resolved: {why}" : $"Alert {parse.GetValue(id)} was already resolved ({resolved.Alert.ResolvedReason}).";
            return Done(ctx, new { ok = true, id = parse.GetValue(id), resolved = resolved.JustResolved, resolved.Alert.ResolvedAt, resolved.Alert.ResolvedReason }, text);
        }));
        return command;
    }

    private static Command Notifications(GlobalOptions global)
    {
        var id = new Argument<long?>("id") { Description = "Only this alert's deliveries.", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("notifications", "What was delivered to which channel, with failures and attempts.") { id };
        command.SetAction((parse, ct) => global.RunAsync(parse, async ctx =>
        {
            var list = await Catalog(ctx).ListNotificationsAsync(parse.GetValue(id), 200, ct);
            if (ctx.Output.Json)
            {
                ctx.Output.WriteJson(new { ok = true, notifications = list });
                return ExitCodes.Success;
            }

            var table = new Table().AddColumn("alert").AddColumn("event").AddColumn("channel").AddColumn("outcome").AddColumn("attempts").AddColumn("at (UTC)").AddColumn("error");
            foreach (var n in list)
            {
                table.AddRow(n.AlertId.ToString(), n.Event, Markup.Escape(n.Channel), n.Outcome == "delivered" ? "[green]delivered[/]" : "[red]failed[/]",
                    n.Attempts.ToString(), n.At.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss"), Markup.Escape(n.Error ?? ""));
            }

            ctx.Output.Console.Write(table);
            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>Only the control database and the alert settings are needed: this runs where no source or key is configured.</summary>
    private static BackupFunctionsOptions Options(CommandContext ctx)
    {
        var problems = new List<string>();
        var options = CliConfiguration.Load(ctx.ConfigPath, problems);
        if (string.IsNullOrWhiteSpace(options.Control.ConnectionString))
        {
            problems.Add("BackupFunctions:Control:ConnectionString is not set: give the control database that holds the catalog.");
        }

        problems.AddRange(options.Alerts.Validate());
        return problems.Count > 0 ? throw new UsageException("The configuration is incomplete or invalid:\n  - " + string.Join("\n  - ", problems)) : options;
    }

    private static IBackupCatalog Catalog(CommandContext ctx) => Catalog(Options(ctx));

    private static PostgresBackupCatalog Catalog(BackupFunctionsOptions options) =>
        new(ControlDataSource.Create(options.Control), options.Control.CatalogSchema);

    private static int NotFound(CommandContext ctx, long id)
    {
        ctx.Output.Error($"No alert has the id {id}; backupctl alerts --all lists them.", ExitCodes.NotFound);
        return ExitCodes.NotFound;
    }

    private static int Done(CommandContext ctx, object json, string text)
    {
        if (ctx.Output.Json)
        {
            ctx.Output.WriteJson(json);
        }
        else
        {
            ctx.Output.Console.WriteLine(text);
        }

        return ExitCodes.Success;
    }

    private static string Severity(string s) => s switch
    {
        AlertSeverity.Critical => "[red]critical[/]",
        AlertSeverity.Warning => "[yellow]warning[/]",
        _ => Markup.Escape(s),
    };
}
