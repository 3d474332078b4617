using System.Diagnostics.Metrics;

namespace BackupFunctions.Targets.Upload;

/// <summary>
/// Each partitioned upload (S3, Azure Blob) counts itself on the shared "BackupFunctions.Work" meter as it starts (+1) and
/// ends (-1), where a long-lived host sees that it has gone idle (BackupFunctions.Host's WorkListener).
/// </summary>
public static class ActiveUploads
{
    public const string InstrumentName = "backupfunctions.work.uploads";

    internal static readonly UpDownCounter<int> Uploads =
        new Meter("BackupFunctions.Work").CreateUpDownCounter<int>(InstrumentName, "{upload}", "Partitioned uploads running now.");
}
