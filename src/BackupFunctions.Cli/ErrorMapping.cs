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
        _ => (ExitCodes.Failed, $"{e.GetType().Name}: {e.Message}"),
    };
}
