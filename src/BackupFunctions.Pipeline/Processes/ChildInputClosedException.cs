namespace BackupFunctions.Pipeline.Processes;

/// <summary>
/// A client program stopped reading its stdin (it exited, usually on an error of its own). Raised
/// instead of the bare <see cref="IOException"/> so the caller can tell it from a failing source
/// and report the program's own error.
/// </summary>
internal sealed class ChildInputClosedException(PgTool tool, IOException inner)
    : Exception($"{tool.FileName()} closed its input.", inner)
{
    public PgTool Tool { get; } = tool;
}
