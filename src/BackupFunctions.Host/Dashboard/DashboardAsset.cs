namespace BackupFunctions.Host.Dashboard;

/// <summary>One of the dashboard's embedded files: its bytes and the Content-Type it is served with.</summary>
internal sealed record DashboardAsset(byte[] Content, string ContentType);
