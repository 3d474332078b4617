namespace BackupFunctions.Workflows.Telemetry;

/// <summary>An activity request about one target: its span is tagged with the target's name.</summary>
public interface ITargetedRequest
{
    string Target { get; }
}
