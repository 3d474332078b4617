using System.CommandLine;
using BackupFunctions.Cli.Engine;
using BackupFunctions.Cli.Output;
using BackupFunctions.Pipeline.Processes;
using BackupFunctions.Workflows;
using BackupFunctions.Workflows.Models;
using BackupFunctions.Workflows.Orchestrations;
using BackupFunctions.Workflows.Configuration;
using BackupFunctions.Workflows.Restore;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Spectre.Console;

namespace BackupFunctions.Cli.Commands;

/// <summary>
/// backupctl dr: the disaster-recovery orchestration run from this machine with only the targets'
/// settings and the keys. The control database may be gone: the orchestration runs in this process
/// on the Durable Task Framework's in-memory engine, and the catalog the activities write to lives in
/// an ephemeral database on the new server, dropped at the end.
/// </summary>
public static class DrCommand
{
    public static Command Create(GlobalOptions global)
    {
        var backup = new Argument<string>("backup") { Description = "A backup id, or 'latest'.", DefaultValueFactory = _ => "latest" };
        var to = new Option<string>("--to") { Description = "Connection string of the new server (its database, if any, is the one to create).", Required = true };
        var database = new Option<string?>("--database", "-d") { Description = "With 'latest': the newest backup of this source database." };
        var targetDatabase = new Option<string?>("--target-database") { Description = "Database to create on the new server (default: the backup's)." };
        var yes = new Option<bool>("--yes") { Description = "Approve up front (no prompt). Needed when stdin is not a terminal." };
        var rto = new Option<TimeSpan>("--rto") { Description = "Recovery time objective to report against.", DefaultValueFactory = _ => TimeSpan.FromHours(1) };
        var keepState = new Option<bool>("--keep-state") { Description = "Keep the ephemeral state database (for inspection)." };
        var command = new Command("dr", "Disaster recovery: choose the backup, preflight the new server, approve, restore, verify, post-checks, cutover, time to recover.")
        {
            backup, to, database, targetDatabase, yes, rto, keepState,
        };
        var password = new DestinationPasswordOptions();
        password.AddTo(command);
        command.SetAction((parse, ct) => global.RunAsync(parse, async ctx =>
        {
            if (!parse.GetValue(yes) && Console.IsInputRedirected)
            {
                throw new UsageException("Standard input is not a terminal, so approval cannot be asked: pass --yes to approve up front.");
            }

            var env = ctx.CreateEnvironment(forBackups: false);
            PgConnectionInfo server;
            try
            {
                server = password.Resolve(parse, PgConnectionInfo.FromConnectionString(parse.GetValue(to)!), ctx);
            }
            catch (ArgumentException e)
            {
                throw new UsageException($"--to is not a valid connection string: {e.Message}");
            }

            var request = new DisasterRecoveryRequest
            {
                BackupId = parse.GetValue(backup)!,
                Database = parse.GetValue(database),
                // The request is the orchestration's input, stored with its history: never the password.
                TargetConnectionString = DestinationPasswordOptions.WithoutPassword(parse.GetValue(to)!),
                TargetDatabase = parse.GetValue(targetDatabase),
                SkipApproval = parse.GetValue(yes),
                RtoTarget = parse.GetValue(rto),
            };
            var state = server.WithDatabase($"bf_dr_state_{DateTime.UtcNow:yyyyMMddHHmmss}_{Guid.NewGuid().ToString("N")[..4]}");
            await ExecAsync(server, $"CREATE DATABASE \"{state.Database}\"", ct);
            try
            {
                return await RunAsync(ctx, env, state, request, server, ct);
            }
            finally
            {
                if (!parse.GetValue(keepState))
                {
                    await ExecAsync(server, $"DROP DATABASE IF EXISTS \"{state.Database}\" WITH (FORCE)", CancellationToken.None);
                }
            }
        }));
        return command;
    }

    /// <summary>
    /// Runs the orchestration on the Durable Task Framework's in-memory engine, in this process. That
    /// is the right engine for a one-shot operator process: the run lives exactly as long as the
    /// command, so there is nothing to resume; if the process dies (Ctrl+C, a lost terminal, a
    /// crash), the operator re-runs <c>backupctl dr</c>, which starts again from the targets, the
    /// only durable inputs. A durable backend would need a control database or a storage account,
    /// and a fresh machine recovering from a disaster has neither. The temporary database on the new
    /// server holds only the catalog the activities write to (the restore and alert records).
    /// </summary>
    private static async Task<int> RunAsync(CommandContext ctx, BackupEnvironment env, PgConnectionInfo state, DisasterRecoveryRequest request,
        PgConnectionInfo server, CancellationToken ct)
    {
        env.Options.Control.ConnectionString = state.ToNpgsqlConnectionString();
        var loggers = ctx.Loggers ?? NullLoggerFactory.Instance;
        await using var engine = await StartEngineAsync(env.Options, server, loggers, ct);
        var id = await engine.Client.ScheduleNewOrchestrationInstanceAsync(OrchestrationNames.DisasterRecovery, request, ct);
        var report = await FollowAsync(ctx, engine.Client, id, request.SkipApproval, ct);
        Render(ctx.Output, report);
        return report?.Status == "succeeded" ? ExitCodes.Success : ExitCodes.Failed;
    }

    /// <summary>
    /// The engine with the product's workflows, and the new server's password kept in this process
    /// (<see cref="DestinationPasswords"/>): the activities add it when they connect, so the request,
    /// the history and the custom status never hold it.
    /// </summary>
    internal static Task<InMemoryDurableEngine> StartEngineAsync(BackupFunctionsOptions options, PgConnectionInfo server, ILoggerFactory loggers, CancellationToken ct,
        Microsoft.DurableTask.DataConverter? converter = null)
    {
        var passwords = new DestinationPasswords();
        passwords.Remember(server);
        return InMemoryDurableEngine.StartAsync(
            tasks => tasks.AddBackupWorkflows(options),
            services =>
            {
                services.AddSingleton(passwords);
                services.AddBackupWorkflows(options);
            },
            loggers,
            ct,
            converter);
    }

    private static async Task<DisasterRecoveryReport?> FollowAsync(CommandContext ctx, DurableTaskClient client, string id, bool approved, CancellationToken ct)
    {
        var seen = new HashSet<string>();
        while (true)
        {
            var meta = await client.GetInstanceAsync(id, getInputsAndOutputs: true, ct)
                ?? throw new InvalidOperationException($"The DR orchestration {id} disappeared from the state store.");
            var report = meta.RuntimeStatus is OrchestrationRuntimeStatus.Completed
                ? meta.ReadOutputAs<DisasterRecoveryReport>()
                : meta.ReadCustomStatusAs<DisasterRecoveryReport>();
            foreach (var step in report?.Steps ?? [])
            {
                if (seen.Add($"{step.Number}:{step.Status}"))
                {
                    ctx.Output.Step($"step {step.Number} {step.Name}: {step.Status}{(step.Seconds is { } s ? $" ({s:F1} s)" : "")}{(step.Detail is null ? "" : " — " + step.Detail)}");
                }
            }

            if (meta.RuntimeStatus is OrchestrationRuntimeStatus.Completed or OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated)
            {
                if (meta.RuntimeStatus != OrchestrationRuntimeStatus.Completed)
                {
                    ctx.Output.Error(meta.FailureDetails?.ErrorMessage ?? $"Disaster recovery ended {meta.RuntimeStatus}.", ExitCodes.Failed);
                }

                return report;
            }

            if (!approved && report?.Steps.Any(s => s.Status == DisasterRecoveryStep.Waiting) == true)
            {
                approved = true;
                // Asked asynchronously so that Ctrl+C at the prompt still stops the engine and drops the state database.
                var answer = await ctx.Output.Progress.AskAsync<string>(
                    $"Restore backup [bold]{Markup.Escape(report.BackupId ?? "?")}[/] ({Markup.Escape(report.SourceDatabase ?? "")}, {report.BackupCreatedAt:u}) onto {Markup.Escape(report.TargetServer ?? "")}/{Markup.Escape(report.TargetDatabase ?? "")}? Type [bold]approve[/]:", ct);
                if (!string.Equals(answer.Trim(), "approve", StringComparison.OrdinalIgnoreCase))
                {
                    await client.TerminateInstanceAsync(id, "not approved by the operator", ct);
                    await WaitUntilEndedAsync(client, id, ct);
                    throw new UsageException("Not approved: nothing was restored.");
                }

                await client.RaiseEventAsync(id, DisasterRecoveryOrchestrator.ApproveEvent, new { by = Environment.UserName }, ct);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), ct);
        }
    }

    /// <summary>
    /// Lets the worker finish the termination before the engine stops: the run ends Terminated, as
    /// asked, instead of being cut off halfway through the worker's last call to the sidecar.
    /// </summary>
    private static async Task WaitUntilEndedAsync(DurableTaskClient client, string id, CancellationToken ct)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct);
        bounded.CancelAfter(TimeSpan.FromSeconds(30));
        try
        {
            await client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: false, bounded.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // Still not ended: the engine is stopped anyway, and nothing was restored.
        }
    }

    private static void Render(CliOutput output, DisasterRecoveryReport? report)
    {
        if (report is null)
        {
            return;
        }

        if (output.Json)
        {
            output.WriteJson(report);
            return;
        }

        var table = new Table().Title($"Disaster recovery of {report.BackupId} onto {report.TargetServer}/{report.TargetDatabase}")
            .AddColumn("#").AddColumn("step").AddColumn("status").AddColumn(new TableColumn("seconds").RightAligned()).AddColumn("detail");
        foreach (var s in report.Steps)
        {
            table.AddRow(s.Number.ToString(), Markup.Escape(s.Name), Markup.Escape(s.Status), s.Seconds?.ToString("F1") ?? "", Markup.Escape(s.Detail ?? ""));
        }

        output.Console.Write(table);
        output.Console.MarkupLine(Markup.Escape(
            $"served by {report.ServedBy}; {report.TablesVerified} tables, {report.RowsVerified} rows verified; " +
            $"time to recover {report.TimeToRecoverSeconds:F1} s against an RTO of {report.RtoTargetSeconds:F0} s ({(report.RtoMet == true ? "met" : "NOT met")})"));
    }

    private static async Task ExecAsync(PgConnectionInfo server, string sql, CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(server.WithDatabase("postgres").ToNpgsqlConnectionString());
        await conn.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
