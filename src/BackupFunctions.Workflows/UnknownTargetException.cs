namespace BackupFunctions.Workflows;

/// <summary>A request named a target that is not configured.</summary>
public sealed class UnknownTargetException(IReadOnlyList<string> unknown, IEnumerable<string> configured)
    : ArgumentException($"Unknown target(s): {string.Join(", ", unknown)}. Configured targets: {string.Join(", ", configured)}.")
{
    public IReadOnlyList<string> Unknown { get; } = unknown;
}
