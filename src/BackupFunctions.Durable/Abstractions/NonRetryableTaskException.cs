namespace BackupFunctions.Durable;

/// <summary>
/// Throw from an activity to say that retrying cannot help (bad input, missing permission).
/// The failure reaches the orchestrator with <see cref="TaskFailureDetails.IsNonRetriable"/> set,
/// and a <see cref="RetryPolicy"/> stops at once.
/// </summary>
public class NonRetryableTaskException : Exception
{
    public NonRetryableTaskException(string message) : base(message) { }

    public NonRetryableTaskException(string message, Exception? inner) : base(message, inner) { }
}
