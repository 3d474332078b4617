using BackupFunctions.Workflows.Activities;
using BackupFunctions.Workflows.Catalog;
using BackupFunctions.Workflows.Integrity;
using BackupFunctions.Workflows.Models;
using BackupFunctions.Workflows.Operations;
using BackupFunctions.Workflows.Pitr;
using Microsoft.Azure.Functions.Worker;

namespace BackupFunctions.Functions.Workflows;

/// <summary>
/// One activity function per Workflows activity, named by the activity's class as the orchestrators call it
/// (<c>nameof(PreflightSource)</c>, ...). Each creates the class and runs its bounded <c>RunAsync</c>, so the
/// per-attempt deadline, failure classification and logging are the same as on the self-hosted worker.
/// </summary>
public static class ActivityFunctions
{
    [Function(nameof(PreflightSource))]
    public static Task<PreflightResult> RunPreflightSource([ActivityTrigger] PreflightRequest input, FunctionContext function) =>
        WorkflowInvoker.RunActivityAsync<PreflightSource, PreflightRequest, PreflightResult>(input, function);

    [Function(nameof(DumpCompressEncrypt))]
    public static Task<StagedArtifact> RunDumpCompressEncrypt([ActivityTrigger] DumpRequest input, FunctionContext function) =>
        WorkflowInvoker.RunActivityAsync<DumpCompressEncrypt, DumpRequest, StagedArtifact>(input, function);

    [Function(nameof(ArchiveFiles))]
    public static Task<StagedArtifact> RunArchiveFiles([ActivityTrigger] ArchiveFilesRequest input, FunctionContext function) =>
        WorkflowInvoker.RunActivityAsync<ArchiveFiles, ArchiveFilesRequest, StagedArtifact>(input, function);

    [Function(nameof(UploadArtifact))]
    public static Task<CopyOutcome> RunUploadArtifact([ActivityTrigger] UploadRequest input, FunctionContext function) =>
        WorkflowInvoker.RunActivityAsync<UploadArtifact, UploadRequest, CopyOutcome>(input, function);

    [Function(nameof(VerifyChecksum))]
    public static Task<CopyVerification> RunVerifyChecksum([ActivityTrigger] VerifyChecksumRequest input, FunctionContext function) =>
        WorkflowInvoker.RunActivityAsync<VerifyChecksum, VerifyChecksumRequest, CopyVerification>(input, function);

    [Function(nameof(WriteManifest))]
    public static Task<bool> RunWriteManifest([ActivityTrigger] WriteManifestRequest input, FunctionContext function) =>
        WorkflowInvoker.RunActivityAsync<WriteManifest, WriteManifestRequest, bool>(input, function);

    [Function(nameof(RecordCatalog))]
    public static Task<bool> RunRecordCatalog([ActivityTrigger] RecordCatalogRequest input, FunctionContext function) =>
        WorkflowInvoker.RunActivityAsync<RecordCatalog, RecordCatalogRequest, bool>(input, function);

    [Function(nameof(ResolveAlert))]
    public static Task<int> RunResolveAlert([ActivityTrigger] ResolveAlertRequest input, FunctionContext function) =>
        WorkflowInvoker.RunActivityAsync<ResolveAlert, ResolveAlertRequest, int>(input, function);

    [Function(nameof(EvaluateBackupRun))]
    public static Task<EvaluateBackupRunResult> RunEvaluateBackupRun([ActivityTrigger] EvaluateBackupRunRequest input, FunctionContext function) =>
        WorkflowInvoker.RunActivityAsync<EvaluateBackupRun, EvaluateBackupRunRequest, EvaluateBackupRunResult>(input, function);

    [Function(nameof(CheckSchedules))]
    public static Task<CheckSchedulesResult> RunCheckSchedules([ActivityTrigger] CheckSchedulesRequest input, FunctionContext function) =>
        WorkflowInvoker.RunActivityAsync<CheckSchedules, CheckSchedulesRequest, CheckSchedulesResult>(input, function);

    [Function(nameof(CheckTargetUsage))]
    public static Task<CheckTargetUsageResult> RunCheckTargetUsage([ActivityTrigger] CheckTargetUsageRequest input, FunctionContext function) =>
        WorkflowInvoker.RunActivityAsync<CheckTargetUsage, CheckTargetUsageRequest, CheckTargetUsageResult>(input, function);

    [Function(nameof(RaiseAlert))]
    public static Task<long> RunRaiseAlert([ActivityTrigger] AlertRequest input, FunctionContext function) =>
        WorkflowInvoker.RunActivityAsync<RaiseAlert, AlertRequest, long>(input, function);

    [Function(nameof(CleanupStaging))]
    public static Task<bool> RunCleanupStaging([ActivityTrigger] string input, FunctionContext function) =>
        WorkflowInvoker.RunActivityAsync<CleanupStaging, string, bool>(input, function);

    [Function(nameof(ResolveBackup))]
    public static Task<ResolvedBackup> RunResolveBackup([ActivityTrigger] RestoreRequest input, FunctionContext function) =>
        WorkflowInvoker.RunActivityAsync<ResolveBackup, RestoreRequest, ResolvedBackup>(input, function);

    [Function(nameof(RestoreBackup))]
    public static Task<RestoreRunSummary> RunRestoreBackup([ActivityTrigger] RestoreBackupRequest input, FunctionContext function) =>
        WorkflowInvoker.RunActivityAsync<RestoreBackup, RestoreBackupRequest, RestoreRunSummary>(input, function);

    [Function(nameof(DropScratchDatabase))]
    public static Task<bool> RunDropScratchDatabase([ActivityTrigger] RestoreBackupRequest input, FunctionContext function) =>
        WorkflowInvoker.RunActivityAsync<DropScratchDatabase, RestoreBackupRequest, bool>(input, function);

    [Function(nameof(RecordRestore))]
    public static Task<long> RunRecordRestore([ActivityTrigger] CatalogRestore input, FunctionContext function) =>
        WorkflowInvoker.RunActivityAsync<RecordRestore, CatalogRestore, long>(input, function);

    [Function(nameof(PlanIntegrityCheck))]
    public static Task<IntegrityPlan> RunPlanIntegrityCheck([ActivityTrigger] VerifyIntegrityRequest input, FunctionContext function) =>
        WorkflowInvoker.RunActivityAsync<PlanIntegrityCheck, VerifyIntegrityRequest, IntegrityPlan>(input, function);

    [Function(nameof(CheckCopy))]
    public static Task<CopyInspectionResult> RunCheckCopy([ActivityTrigger] CheckCopyRequest input, FunctionContext function) =>
        WorkflowInvoker.RunActivityAsync<CheckCopy, CheckCopyRequest, CopyInspectionResult>(input, function);

    [Function(nameof(RecordCopyCheck))]
    public static Task<bool> RunRecordCopyCheck([ActivityTrigger] RecordCopyCheckRequest input, FunctionContext function) =>
        WorkflowInvoker.RunActivityAsync<RecordCopyCheck, RecordCopyCheckRequest, bool>(input, function);

    [Function(nameof(RemoveDamagedObject))]
    public static Task<bool> RunRemoveDamagedObject([ActivityTrigger] RemoveDamagedObjectRequest input, FunctionContext function) =>
        WorkflowInvoker.RunActivityAsync<RemoveDamagedObject, RemoveDamagedObjectRequest, bool>(input, function);

    [Function(nameof(CopyManifest))]
    public static Task<bool> RunCopyManifest([ActivityTrigger] CopyManifestRequest input, FunctionContext function) =>
        WorkflowInvoker.RunActivityAsync<CopyManifest, CopyManifestRequest, bool>(input, function);

    [Function(nameof(RecordVerification))]
    public static Task<bool> RunRecordVerification([ActivityTrigger] RecordVerificationRequest input, FunctionContext function) =>
        WorkflowInvoker.RunActivityAsync<RecordVerification, RecordVerificationRequest, bool>(input, function);

    [Function(nameof(ApplyRetention))]
    public static Task<RetentionResult> RunApplyRetention([ActivityTrigger] string input, FunctionContext function) =>
        WorkflowInvoker.RunActivityAsync<ApplyRetention, string, RetentionResult>(input, function);

    [Function(nameof(PreflightRestoreTarget))]
    public static Task<RestoreTargetPreflight> RunPreflightRestoreTarget([ActivityTrigger] RestoreTargetPreflightRequest input, FunctionContext function) =>
        WorkflowInvoker.RunActivityAsync<PreflightRestoreTarget, RestoreTargetPreflightRequest, RestoreTargetPreflight>(input, function);

    [Function(nameof(RunPostChecks))]
    public static Task<IReadOnlyList<PostCheckResult>> RunRunPostChecks([ActivityTrigger] PostChecksRequest input, FunctionContext function) =>
        WorkflowInvoker.RunActivityAsync<RunPostChecks, PostChecksRequest, IReadOnlyList<PostCheckResult>>(input, function);

    [Function(nameof(CallCutoverWebhook))]
    public static Task<CutoverResult> RunCallCutoverWebhook([ActivityTrigger] DisasterRecoveryReport input, FunctionContext function) =>
        WorkflowInvoker.RunActivityAsync<CallCutoverWebhook, DisasterRecoveryReport, CutoverResult>(input, function);

    [Function(nameof(TakeBaseBackup))]
    public static Task<TakeBaseBackupResult> RunTakeBaseBackup([ActivityTrigger] TakeBaseBackupRequest input, FunctionContext function) =>
        WorkflowInvoker.RunActivityAsync<TakeBaseBackup, TakeBaseBackupRequest, TakeBaseBackupResult>(input, function);

    [Function(nameof(CheckWalArchiving))]
    public static Task<WalArchivingReport> RunCheckWalArchiving([ActivityTrigger] CheckWalArchivingRequest input, FunctionContext function) =>
        WorkflowInvoker.RunActivityAsync<CheckWalArchiving, CheckWalArchivingRequest, WalArchivingReport>(input, function);

    [Function(nameof(ApplyPitrRetention))]
    public static Task<PitrRetentionResult> RunApplyPitrRetention([ActivityTrigger] PitrRetentionRequest input, FunctionContext function) =>
        WorkflowInvoker.RunActivityAsync<ApplyPitrRetention, PitrRetentionRequest, PitrRetentionResult>(input, function);
}
