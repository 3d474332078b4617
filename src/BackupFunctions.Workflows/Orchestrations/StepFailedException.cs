namespace BackupFunctions.Workflows.Orchestrations;

/// <summary>A DR step failed; the message names the step ("step 7 (post-restore checks): ...").</summary>
internal sealed class StepFailedException(string message) : Exception(message);
