using BackupFunctions.Pipeline.Format;
using BackupFunctions.Targets.Upload;

namespace BackupFunctions.Host.Memory;

/// <summary>What the host counts as heavy work: block-parallel compression (every backup) and partitioned uploads (cloud targets).</summary>
/// <param name="Started">Work ever started in this process.</param>
/// <param name="Running">Work running now.</param>
internal readonly record struct WorkMeter(long Started, int Running)
{
    public static WorkMeter Now() =>
        new(ActiveCompressions.Total + ActiveUploads.Total, ActiveCompressions.Now + ActiveUploads.Now);
}
