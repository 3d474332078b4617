namespace BackupFunctions.Workflows.Alerts;

/// <summary>One place alerts are sent. One attempt per call; retries are the dispatcher's.</summary>
public interface IAlertChannel
{
    string Name { get; }

    /// <summary>The least severe alert this channel takes.</summary>
    string MinSeverity { get; }

    /// <exception cref="AlertDeliveryException">The channel refused or could not be reached.</exception>
    Task SendAsync(AlertNotification notification, CancellationToken ct);
}
