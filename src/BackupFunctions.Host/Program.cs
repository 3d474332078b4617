using BackupFunctions.Host;
using BackupFunctions.Host.Hosting;

try
{
    await using var app = HostApp.Build(args);
    await app.RunAsync();
    return 0;
}
catch (HostStartupException ex)
{
    // A settings problem: the message says what to set, a stack trace would only bury it.
    await Console.Error.WriteLineAsync($"BackupFunctions host cannot start: {ex.Message}");
    return 2;
}
