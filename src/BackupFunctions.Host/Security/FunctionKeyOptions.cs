namespace BackupFunctions.Host.Security;

/// <summary>
/// Azure Functions-style keys. Function keys start and read work; admin keys also allow the
/// destructive and recovery operations (restore, DR, terminate, purge). Bound from
/// configuration ("BackupFunctions:Keys"), so they can come from app settings or Key Vault references.
/// </summary>
public sealed class FunctionKeyOptions
{
    public List<string> FunctionKeys { get; set; } = [];

    public List<string> AdminKeys { get; set; } = [];
}
