using BackupFunctions.Workflows.Pitr;

namespace BackupFunctions.Workflows.Activities;

/// <summary>
/// The PITR restore activities' failures: a <see cref="PitrException"/> states something a retry does not change (no
/// base backup before the target, a directory that is not empty, recovery that stopped short), so it is not retried;
/// everything else is classified as usual (<see cref="ActivityFailures"/>), so an unreachable target is retried.
/// </summary>
internal static class PitrActivityFailures
{
    public static Task<T> RunAsync<T>(Func<Task<T>> body) => ActivityFailures.RunAsync(async () =>
    {
        try
        {
            return await body();
        }
        catch (PitrException e)
        {
            throw new NonRetryableTaskException(e.Message, e);
        }
    });
}
