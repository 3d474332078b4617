namespace BackupFunctions.Host.Security;

public enum AccessLevel
{
    None = 0,
    Function = 1,
    Admin = 2,
}
