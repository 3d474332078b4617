using BackupFunctions.Pipeline.Format;
using BackupFunctions.Pipeline.Keys;
using BackupFunctions.Pipeline.Processes;
using BackupFunctions.Targets;
using BackupFunctions.Workflows;
using BackupFunctions.Workflows.Catalog;
using BackupFunctions.Workflows.Preflight;
using BackupFunctions.Workflows.Pitr;
using BackupFunctions.Workflows.Restore.Merge;

namespace BackupFunctions.Cli;

/// <summary>Turns an exception into the exit code and the sentence a person reads.</summary>
public static class ErrorMapping
{
    public static (int ExitCode, string Message) Map(Exception e) => e switch
    {
        UsageException or UnknownTargetException or InsecureKeyFileException => (ExitCodes.Usage, e.Message),
        TargetConfigurationException => (ExitCodes.Usage, e.Message),
        BackupNotFoundException => (ExitCodes.NotFound, e.Message),
        // Manifests exist but every one is malformed or forged: what is stored cannot be trusted (docs/cli.md).
        ManifestRejectedException => (ExitCodes.Integrity, e.Message),
        TenantMergeRefusedException => (ExitCodes.Failed, e.Message),
        PitrException => (ExitCodes.Failed, e.Message),
        ArtifactIntegrityException or WrongKeyException or UnknownKeyException => (ExitCodes.Integrity, e.Message),
        SourcePreflightException => (ExitCodes.Failed, e.Message),
        PgOperationException => (ExitCodes.Failed, e.Message),
        TargetException => (ExitCodes.Failed, e.Message),
        OperationCanceledException => (ExitCodes.Cancelled, "Cancelled."),
        IOException io when IsDiskFull(io) => (ExitCodes.Failed,
            $"A local disk is full: {io.Message}. Nothing of this run was published and its staging files were removed; free space there, " +
            "or point BackupFunctions:StagingDirectory at a larger filesystem."),
        _ => (ExitCodes.Failed, $"{e.GetType().Name}: {e.Message}"),
    };

    /// <summary>ENOSPC (28) or EDQUOT (122): .NET on Unix carries the errno in HResult, and strerror's words in the message.</summary>
    private static bool IsDiskFull(IOException e) =>
        e.HResult is 28 or 122 || e.Message.Contains("No space left on device", StringComparison.Ordinal) || e.Message.Contains("quota exceeded", StringComparison.OrdinalIgnoreCase);
}
