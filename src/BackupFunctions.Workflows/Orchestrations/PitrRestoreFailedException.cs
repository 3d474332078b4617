namespace BackupFunctions.Workflows.Orchestrations;

/// <summary>A PITR restore step failed; the message names the step ("step 4 (StartRecoveryServer): ...") and carries its reason.</summary>
internal sealed class PitrRestoreFailedException(string message) : Exception(message);
