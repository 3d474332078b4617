using BackupFunctions.Durable;
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
public sealed class TenantBackupOrchestrator(BackupEnvironment env, WorkflowRetries retries) : TaskOrchestrator<BackupRequest, BackupRunSummary>
{
    public override async Task<BackupRunSummary> RunAsync(TaskOrchestrationContext context, BackupRequest input)
    {
        var tenantId = input.TenantId ?? throw new ArgumentException("A tenant backup needs a tenantId.");
        var backupId = input.BackupId ?? BackupFlow.NewBackupId(context);
        var status = new BackupStatus { BackupId = backupId, Database = input.Database };
        context.SetCustomStatus(status);
        StagedArtifact staged;
        PreflightResult preflight;
        try
        {
            preflight = await context.CallActivityAsync<PreflightResult>(nameof(PreflightSource),
                new PreflightRequest(input.Database, BackupKinds.Tenant, tenantId, input.Targets), retries.Default);
            status.Database = preflight.Database;
            status.Step = "dump";
            context.SetCustomStatus(status);
            var request = new DumpRequest(backupId, context.CurrentUtcDateTime, preflight.Database)
            {
                Kind = BackupKind.Tenant,
                TenantId = tenantId,
                ConnectionOptions = $"-c {env.Options.Tenants.SessionSetting}={tenantId}",
                ExtraDumpArguments = ["--enable-row-security"],
                UseTenantConnection = true,
            };
            staged = await context.CallActivityAsync<StagedArtifact>(nameof(DumpCompressEncrypt), request, retries.Default);
        }
        catch (TaskFailedException e)
        {
            await BackupFlow.FailBeforeUploadAsync(context, retries, status, BackupKinds.Tenant, input.Database, e);
            throw;
        }

        return BackupFlow.ThrowIfFailed(await BackupFlow.DistributeAsync(context, retries, staged, preflight.Targets, status));
    }
}
