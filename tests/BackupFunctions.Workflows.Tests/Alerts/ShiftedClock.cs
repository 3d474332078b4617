namespace BackupFunctions.Workflows.Tests.Alerts;

/// <summary>The real clock moved by <see cref="Offset"/>: lets a test stand on a later day than the backups it just ran.</summary>
public sealed class ShiftedClock : TimeProvider
{
    public TimeSpan Offset { get; set; }

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;
}
