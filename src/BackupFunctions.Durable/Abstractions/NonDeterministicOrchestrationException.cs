namespace BackupFunctions.Durable;

/// <summary>
/// Replay found the orchestrator code doing something other than what its history records.
/// The instance fails with this message; it is never raised in user code's catch blocks.
/// </summary>
public sealed class NonDeterministicOrchestrationException : Exception
{
    public NonDeterministicOrchestrationException(string message) : base(message) { }
}
