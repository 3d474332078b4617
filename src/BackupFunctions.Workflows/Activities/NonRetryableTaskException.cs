namespace BackupFunctions.Workflows.Activities;

/// <summary>
/// Thrown by an activity when retrying cannot help (bad input, a wrong key, a missing permission). The orchestrations'
/// retry policies recognise it by type (<see cref="WorkflowRetries"/>) and stop at once, so the alert is not delayed.
/// </summary>
public class NonRetryableTaskException : Exception
{
    public NonRetryableTaskException(string message) : base(message) { }

    public NonRetryableTaskException(string message, Exception? inner) : base(message, inner) { }
}
