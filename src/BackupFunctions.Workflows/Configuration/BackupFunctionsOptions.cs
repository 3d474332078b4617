using BackupFunctions.Targets;
using BackupFunctions.Workflows.Alerts;

namespace BackupFunctions.Workflows.Configuration;

/// <summary>
/// The product's settings, the same for the CLI and the host: section "BackupFunctions" of a JSON
/// file, overridden by environment variables (BackupFunctions__Source__ConnectionString, ...).
/// </summary>
public sealed class BackupFunctionsOptions
{
    public const string SectionName = "BackupFunctions";

    public SourceOptions Source { get; set; } = new();

    public KeyOptions Keys { get; set; } = new();

    public CompressionOptions Compression { get; set; } = new();

    /// <summary>
    /// Where artifacts are written before upload and restores wait for pg_restore; on a disk nothing else
    /// fills. Must be this account's alone (see <see cref="Staging.StagingArea"/>); the default is under
    /// $XDG_STATE_HOME (or ~/.local/state)/backupfunctions/staging.
    /// </summary>
    public string StagingDirectory { get; set; } = Staging.StagingArea.DefaultDirectory();

    public List<TargetOptions> Targets { get; set; } = [];

    public ControlOptions Control { get; set; } = new();

    public ScratchOptions Scratch { get; set; } = new();

    public TenantOptions Tenants { get; set; } = new();

    public FilesOptions Files { get; set; } = new();

    public RetentionOptions Retention { get; set; } = new();

    public IntegrityOptions Integrity { get; set; } = new();

    public WorkflowRetryOptions Retries { get; set; } = new();

    public DisasterRecoveryOptions DisasterRecovery { get; set; } = new();

    public RestoreSettings Restore { get; set; } = new();

    public DumpSettings Dump { get; set; } = new();

    public ActivityOptions Activities { get; set; } = new();

    /// <summary>Point-in-time recovery: WAL archiving and base backups (docs/pitr.md).</summary>
    public PitrOptions Pitr { get; set; } = new();

    /// <summary>Alert channels, delivery and rule thresholds (docs/alerts.md).</summary>
    public AlertOptions Alerts { get; set; } = new();

    /// <summary>The per-database limit on backup starts (docs/http-api.md, "Admission").</summary>
    public Admission.AdmissionOptions Admission { get; set; } = new();

    /// <summary>
    /// Lists every problem as a sentence a person can act on; empty when the settings are usable.
    /// Target settings are checked by the target factory.
    /// </summary>
    /// <param name="requireSource">False for work that only reads the targets (a disaster recovery, where the source is gone).</param>
    public IReadOnlyList<string> Validate(bool requireSource = true)
    {
        var problems = new List<string>();
        if (requireSource && string.IsNullOrWhiteSpace(Source.ConnectionString))
        {
            problems.Add("BackupFunctions:Source:ConnectionString is not set: give the connection string of the server to back up.");
        }

        if (Targets.Count == 0)
        {
            problems.Add("BackupFunctions:Targets is empty: configure at least one storage target.");
        }

        if (string.IsNullOrWhiteSpace(Keys.KeyFile) && string.IsNullOrWhiteSpace(Keys.KeyDirectory) && !Keys.FromEnvironment)
        {
            problems.Add("No key-encryption key configured: set BackupFunctions:Keys:KeyFile (make one with 'backupctl keys new'), KeyDirectory, or BF_KEK_<ID> variables with Keys:FromEnvironment=true.");
        }

        problems.AddRange(Compression.Validate());
        problems.AddRange(Restore.Validate());
        problems.AddRange(Dump.Validate());
        problems.AddRange(Activities.Validate());
        problems.AddRange(Pitr.Validate());
        problems.AddRange(Alerts.Validate());
        problems.AddRange(Integrity.Validate());
        problems.AddRange(Admission.Validate());
        return problems;
    }
}
