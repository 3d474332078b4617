using BackupFunctions.Workflows.Configuration;
using Microsoft.DurableTask;
using BackupFunctions.Pipeline.Manifests;
using BackupFunctions.Workflows.Activities;
using BackupFunctions.Workflows.Models;
using BackupFunctions.Workflows.Operations;

namespace BackupFunctions.Workflows.Orchestrations;

/// <summary>
/// One tenant's rows: pg_dump with the tenant session setting in libpq options and
/// --enable-row-security, so the RLS policies select exactly that tenant. The row counts in the
/// manifest are taken in the same snapshot and session, so they describe exactly what was exported.
/// </summary>
[DurableTask(OrchestrationNames.TenantBackup)]
public sealed class TenantBackupOrchestrator(BackupFunctionsOptions options, WorkflowRetries retries) : TaskOrchestrator<BackupRequest, BackupRunSummary>
{
    public override Task<BackupRunSummary> RunAsync(TaskOrchestrationContext context, BackupRequest input)
    {
        var tenantId = input.TenantId ?? throw new ArgumentException("A tenant backup needs a tenantId.");
        return BackupFlow.RunAsync(context, retries, input, BackupKinds.Tenant, (backupId, preflight) =>
            (nameof(DumpCompressEncrypt), new DumpRequest(backupId, context.CurrentUtcDateTime, preflight.Database)
            {
                Kind = BackupKind.Tenant,
                TenantId = tenantId,
                ConnectionOptions = $"-c {options.Tenants.SessionSetting}={tenantId}",
                ExtraDumpArguments = ["--enable-row-security"],
                UseTenantConnection = true,
                StreamTo = preflight.Targets,
            }));
    }
}
