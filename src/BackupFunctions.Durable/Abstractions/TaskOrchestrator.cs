namespace BackupFunctions.Durable;

/// <summary>The untyped face of an orchestrator, used by the worker.</summary>
public interface ITaskOrchestrator
{
    Type InputType { get; }

    Type OutputType { get; }

    Task<object?> RunAsync(TaskOrchestrationContext context, object? input);
}

/// <summary>
/// Base class of orchestrators. <see cref="RunAsync(TaskOrchestrationContext, TInput)"/> is replayed
/// from history many times, so it must be deterministic: use the context for time, ids, waiting
/// and I/O (through activities), never DateTime.UtcNow, Guid.NewGuid, Task.Delay or direct I/O.
/// </summary>
public abstract class TaskOrchestrator<TInput, TOutput> : ITaskOrchestrator
{
    Type ITaskOrchestrator.InputType => typeof(TInput);

    Type ITaskOrchestrator.OutputType => typeof(TOutput);

    public abstract Task<TOutput> RunAsync(TaskOrchestrationContext context, TInput input);

    async Task<object?> ITaskOrchestrator.RunAsync(TaskOrchestrationContext context, object? input) =>
        await RunAsync(context, input is null ? default! : (TInput)input);
}
