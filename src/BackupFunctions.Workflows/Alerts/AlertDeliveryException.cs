namespace BackupFunctions.Workflows.Alerts;

/// <summary>A channel did not take an alert. <see cref="Permanent"/>: retrying cannot help (a 4xx, a rejected login).</summary>
public sealed class AlertDeliveryException(string message, bool permanent, Exception? inner = null) : Exception(message, inner)
{
    public bool Permanent { get; } = permanent;
}
