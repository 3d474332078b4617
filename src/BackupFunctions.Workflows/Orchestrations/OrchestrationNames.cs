namespace BackupFunctions.Workflows.Orchestrations;

/// <summary>The registered names of the product's orchestrations (the host starts them by these).</summary>
public static class OrchestrationNames
{
    public const string FullBackup = "FullBackupOrchestrator";
    public const string TenantBackup = "TenantBackupOrchestrator";
    public const string FilesBackup = "FilesBackupOrchestrator";
    public const string VerifyIntegrity = "VerifyIntegrityOrchestrator";
    public const string TestRestore = "TestRestoreOrchestrator";
    public const string Restore = "RestoreOrchestrator";
    public const string Retention = "RetentionOrchestrator";
    public const string DisasterRecovery = "DisasterRecoveryOrchestrator";
    public const string BaseBackup = "BaseBackupOrchestrator";
    public const string WalArchivingCheck = "WalArchivingCheckOrchestrator";
    public const string PitrRestore = "PitrRestoreOrchestrator";
}
