using BackupFunctions.Workflows.Activities;
using BackupFunctions.Workflows.Models;
using BackupFunctions.Workflows.Orchestrations;
using BackupFunctions.Workflows.Pitr;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;

namespace BackupFunctions.Functions.Workflows;

/// <summary>
/// One orchestrator function per Workflows orchestrator, named as the starters and the management API name them
/// (<see cref="OrchestrationNames"/>). The class-based source generator is not served, so these are written out.
/// </summary>
public static class OrchestratorFunctions
{
    [Function(OrchestrationNames.FullBackup)]
    public static Task<BackupRunSummary> FullBackup([OrchestrationTrigger] TaskOrchestrationContext context, FunctionContext function) =>
        WorkflowInvoker.RunOrchestratorAsync<FullBackupOrchestrator, BackupRequest, BackupRunSummary>(context, function);

    [Function(OrchestrationNames.TenantBackup)]
    public static Task<BackupRunSummary> TenantBackup([OrchestrationTrigger] TaskOrchestrationContext context, FunctionContext function) =>
        WorkflowInvoker.RunOrchestratorAsync<TenantBackupOrchestrator, BackupRequest, BackupRunSummary>(context, function);

    [Function(OrchestrationNames.FilesBackup)]
    public static Task<BackupRunSummary> FilesBackup([OrchestrationTrigger] TaskOrchestrationContext context, FunctionContext function) =>
        WorkflowInvoker.RunOrchestratorAsync<FilesBackupOrchestrator, BackupRequest, BackupRunSummary>(context, function);

    [Function(OrchestrationNames.VerifyIntegrity)]
    public static Task<IntegritySummary> VerifyIntegrity([OrchestrationTrigger] TaskOrchestrationContext context, FunctionContext function) =>
        WorkflowInvoker.RunOrchestratorAsync<VerifyIntegrityOrchestrator, VerifyIntegrityRequest, IntegritySummary>(context, function);

    [Function(OrchestrationNames.TestRestore)]
    public static Task<RestoreRunSummary> TestRestore([OrchestrationTrigger] TaskOrchestrationContext context, FunctionContext function) =>
        WorkflowInvoker.RunOrchestratorAsync<TestRestoreOrchestrator, RestoreRequest, RestoreRunSummary>(context, function);

    [Function(OrchestrationNames.Restore)]
    public static Task<RestoreRunSummary> Restore([OrchestrationTrigger] TaskOrchestrationContext context, FunctionContext function) =>
        WorkflowInvoker.RunOrchestratorAsync<RestoreOrchestrator, RestoreRequest, RestoreRunSummary>(context, function);

    [Function(OrchestrationNames.Retention)]
    public static Task<IReadOnlyList<RetentionResult>> Retention([OrchestrationTrigger] TaskOrchestrationContext context, FunctionContext function) =>
        WorkflowInvoker.RunOrchestratorAsync<RetentionOrchestrator, object?, IReadOnlyList<RetentionResult>>(context, function);

    [Function(OrchestrationNames.DisasterRecovery)]
    public static Task<DisasterRecoveryReport> DisasterRecovery([OrchestrationTrigger] TaskOrchestrationContext context, FunctionContext function) =>
        WorkflowInvoker.RunOrchestratorAsync<DisasterRecoveryOrchestrator, DisasterRecoveryRequest, DisasterRecoveryReport>(context, function);

    [Function(OrchestrationNames.BaseBackup)]
    public static Task<BaseBackupRunSummary> BaseBackup([OrchestrationTrigger] TaskOrchestrationContext context, FunctionContext function) =>
        WorkflowInvoker.RunOrchestratorAsync<BaseBackupOrchestrator, BaseBackupRequest?, BaseBackupRunSummary>(context, function);

    [Function(OrchestrationNames.WalArchivingCheck)]
    public static Task<WalArchivingReport?> WalArchivingCheck([OrchestrationTrigger] TaskOrchestrationContext context, FunctionContext function) =>
        WorkflowInvoker.RunOrchestratorAsync<WalArchivingCheckOrchestrator, object?, WalArchivingReport?>(context, function);
}
