namespace BackupFunctions.Host.Tests.Support;

public static class TestKeys
{
    public const string Function = "function-key-for-tests-0001";
    public const string Admin = "admin-key-for-tests-0001";
}
