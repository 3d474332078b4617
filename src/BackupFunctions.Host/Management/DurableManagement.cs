namespace BackupFunctions.Host.Management;

/// <summary>The log category of the management API (its handlers are static).</summary>
internal sealed class DurableManagement;
