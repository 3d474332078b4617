using Microsoft.DurableTask;
using BackupFunctions.Pipeline.Format;
using BackupFunctions.Pipeline.Keys;
using BackupFunctions.Pipeline.Processes;
using BackupFunctions.Targets;

namespace BackupFunctions.Workflows.Activities;

/// <summary>
/// Decides, where a failure arises, whether retrying can help (Temporal style): an unreachable
/// endpoint can come back; a wrong password, a missing bucket or a damaged artifact cannot, and
/// retrying them only delays the alert.
/// </summary>
public static class ActivityFailures
{
    public static Exception Classify(Exception e) => e switch
    {
        NonRetryableTaskException => e,
        TargetException { IsTransient: true } => e,
        TargetException => new NonRetryableTaskException(e.Message, e),
        PgOperationException p when p.Kind is PgFailureKind.Unreachable or PgFailureKind.ConnectionLost => e,
        PgOperationException => new NonRetryableTaskException(e.Message, e),
        ArtifactIntegrityException or WrongKeyException or UnknownKeyException => new NonRetryableTaskException(e.Message, e),
        ArgumentException or InvalidOperationException => new NonRetryableTaskException(e.Message, e),
        _ => e,
    };

    /// <summary>Runs <paramref name="body"/> and rethrows its failure classified.</summary>
    public static async Task<T> RunAsync<T>(Func<Task<T>> body)
    {
        try
        {
            return await body().ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var classified = Classify(e);
            if (ReferenceEquals(classified, e))
            {
                throw;
            }

            throw classified;
        }
    }
}
