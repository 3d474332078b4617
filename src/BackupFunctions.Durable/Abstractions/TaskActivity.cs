namespace BackupFunctions.Durable;

/// <summary>The untyped face of an activity, used by the worker.</summary>
public interface ITaskActivity
{
    Type InputType { get; }

    Type OutputType { get; }

    Task<object?> RunAsync(TaskActivityContext context, object? input);
}

/// <summary>
/// Base class of activities: the code that does I/O. Activities run at least once, so make them
/// idempotent (deterministic keys, "already done" checks). Honour
/// <see cref="TaskActivityContext.CancellationToken"/>: it fires on shutdown and on lease loss.
/// </summary>
public abstract class TaskActivity<TInput, TOutput> : ITaskActivity
{
    Type ITaskActivity.InputType => typeof(TInput);

    Type ITaskActivity.OutputType => typeof(TOutput);

    public abstract Task<TOutput> RunAsync(TaskActivityContext context, TInput input);

    async Task<object?> ITaskActivity.RunAsync(TaskActivityContext context, object? input) =>
        await RunAsync(context, input is null ? default! : (TInput)input);
}
