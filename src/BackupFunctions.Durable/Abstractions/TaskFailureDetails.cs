namespace BackupFunctions.Durable;

/// <summary>What went wrong in an activity, sub-orchestration or orchestration (durabletask-dotnet shape, plus <see cref="IsNonRetriable"/>).</summary>
public sealed record TaskFailureDetails(
    string ErrorType,
    string ErrorMessage,
    string? StackTrace = null,
    TaskFailureDetails? InnerFailure = null,
    bool IsNonRetriable = false)
{
    /// <summary>True when the failure (or the original exception type name) is <typeparamref name="T"/> or derives from it.</summary>
    public bool IsCausedBy<T>() where T : Exception
    {
        var type = Type.GetType(ErrorType, throwOnError: false);
        if (type is not null)
        {
            return typeof(T).IsAssignableFrom(type);
        }

        return string.Equals(ErrorType, typeof(T).FullName, StringComparison.Ordinal);
    }

    public static TaskFailureDetails FromException(Exception ex, bool? nonRetriable = null)
    {
        if (ex is TaskFailedException tfe)
        {
            return new TaskFailureDetails(
                typeof(TaskFailedException).FullName!, tfe.Message, tfe.StackTrace, tfe.FailureDetails,
                nonRetriable ?? false);
        }

        var inner = ex.InnerException is null || ex is AggregateException ? null : FromException(ex.InnerException, false);
        if (ex is AggregateException { InnerExceptions.Count: 1 } agg)
        {
            return FromException(agg.InnerExceptions[0], nonRetriable);
        }

        return new TaskFailureDetails(
            ex.GetType().FullName ?? ex.GetType().Name,
            ex.Message,
            ex.StackTrace,
            inner,
            nonRetriable ?? ex is NonRetryableTaskException or PayloadTooLargeException);
    }

    public override string ToString() => $"{ErrorType}: {ErrorMessage}";
}
