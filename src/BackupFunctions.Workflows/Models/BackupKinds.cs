namespace BackupFunctions.Workflows.Models;

public static class BackupKinds
{
    public const string Full = "full";
    public const string Tenant = "tenant";
    public const string Files = "files";

    public static readonly IReadOnlyList<string> All = [Full, Tenant, Files];
}
