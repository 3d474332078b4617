namespace BackupFunctions.Cli.Output;

/// <summary>
/// BACKUPCTL_TRACE_STARTUP=1: one stderr line per start-up step (settings read, keys loaded, targets built, first
/// manifest...) with what the process has spent by then (<see cref="ProcessCost"/>). The deltas say where a command's
/// fixed cost goes before its first real work (docs/benchmarks.md, issue 17, session 10). An environment variable and
/// not -v, because -v changes the logging set-up that is itself part of the cost being measured.
/// </summary>
internal static class StartupTrace
{
    public const string EnvVar = "BACKUPCTL_TRACE_STARTUP";

    private static readonly bool Enabled = Environment.GetEnvironmentVariable(EnvVar) is "1" or "true";

    public static void Mark(string step)
    {
        if (Enabled)
        {
            Console.Error.WriteLine($"startup: {step,-24} {ProcessCost.Now()}");
        }
    }
}
