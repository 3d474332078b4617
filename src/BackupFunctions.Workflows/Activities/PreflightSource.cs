using Microsoft.DurableTask;
using BackupFunctions.Workflows.Preflight;

namespace BackupFunctions.Workflows.Activities;

public sealed record PreflightRequest(string? Database, string Kind, string? TenantId, IReadOnlyList<string>? Targets = null);

public sealed record PreflightResult(string Database, string ServerVersion, int ServerMajor, int ClientMajor, string Role, bool BypassesRls,
    IReadOnlyList<string> RlsTables, IReadOnlyList<string> Warnings, IReadOnlyList<string> Targets);

/// <summary>
/// Checks the source before any bytes move: connectivity, a pg_dump at least as new as the server,
/// and row-level security. A full backup by a role that RLS would filter fails here, loudly, instead
/// of producing a "successful" backup with rows missing.
/// </summary>
public sealed class PreflightSource(BackupEnvironment env, ActivityLimits limits) : BoundedActivity<PreflightRequest, PreflightResult>(limits)
{
    protected override Task<PreflightResult> RunAsync(ActivityRun context, PreflightRequest input) =>
        ActivityFailures.RunAsync(async () =>
        {
            IReadOnlyList<string> targets;
            try
            {
                targets = env.SelectTargets(input.Targets).Select(t => t.Name).ToList();
            }
            catch (UnknownTargetException e)
            {
                throw new NonRetryableTaskException(e.Message, e);
            }

            var source = input.Kind == Models.BackupKinds.Tenant && !string.IsNullOrWhiteSpace(env.Options.Tenants.ConnectionString)
                ? Pipeline.Processes.PgConnectionInfo.FromConnectionString(env.Options.Tenants.ConnectionString).WithDatabase(env.Source(input.Database).Database)
                : env.Source(input.Database);
            try
            {
                var found = await SourcePreflight.RunAsync(source, env.Tools.Locator, input.Kind == Models.BackupKinds.Full, context.CancellationToken);
                return new PreflightResult(source.Database, found.ServerVersion, found.ServerMajor, found.ClientMajor, found.Role, found.BypassesRls,
                    found.RlsTables, found.Warnings, targets);
            }
            catch (SourcePreflightException e)
            {
                throw new NonRetryableTaskException(e.Message, e);
            }
        });
}
