using System.Diagnostics.Metrics;

namespace BackupFunctions.Pipeline.Format;

/// <summary>
/// Each block-parallel zstd stream counts itself on the shared "BackupFunctions.Work" meter as it opens (+1) and closes (-1).
/// A long-lived host listens there to see that it has gone idle after work (BackupFunctions.Host's WorkListener) without
/// knowing which workflow ran, and a metrics exporter can chart it.
/// </summary>
public static class ActiveCompressions
{
    public const string InstrumentName = "backupfunctions.work.compressions";

    internal static readonly UpDownCounter<int> Streams =
        new Meter("BackupFunctions.Work").CreateUpDownCounter<int>(InstrumentName, "{stream}", "Block-parallel zstd streams open now.");
}
