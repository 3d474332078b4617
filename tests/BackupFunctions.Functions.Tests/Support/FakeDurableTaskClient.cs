using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace BackupFunctions.Functions.Tests.Support;

/// <summary>
/// A task hub in a dictionary: the instances that exist, and what was started. <see cref="StartFailure"/> makes the
/// next start throw, optionally after another starter "won" and created the instance.
/// </summary>
internal sealed class FakeDurableTaskClient() : DurableTaskClient("fake")
{
    public Dictionary<string, (string Name, object? Input)> Instances { get; } = new(StringComparer.Ordinal);

    public List<string> Started { get; } = [];

    public Exception? StartFailure { get; set; }

    public bool FailureCreatesInstance { get; set; }

    /// <summary>What every known instance reports (the admission tests need runs that are still going).</summary>
    public OrchestrationRuntimeStatus Status { get; set; } = OrchestrationRuntimeStatus.Completed;

    /// <summary>Instances that report another status than <see cref="Status"/>.</summary>
    public Dictionary<string, OrchestrationRuntimeStatus> StatusOf { get; } = new(StringComparer.Ordinal);

    public override Task<string> ScheduleNewOrchestrationInstanceAsync(
        TaskName orchestratorName, object? input = null, StartOrchestrationOptions? options = null, CancellationToken cancellation = default)
    {
        var id = options?.InstanceId ?? Guid.NewGuid().ToString("N");
        if (StartFailure is { } failure)
        {
            StartFailure = null;
            if (FailureCreatesInstance)
            {
                Instances[id] = (orchestratorName.Name, input);
            }

            throw failure;
        }

        Instances[id] = (orchestratorName.Name, input);
        Started.Add(id);
        return Task.FromResult(id);
    }

    public override Task<OrchestrationMetadata?> GetInstancesAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default) =>
        Task.FromResult(Instances.TryGetValue(instanceId, out var instance)
            ? new OrchestrationMetadata(instance.Name, instanceId) { RuntimeStatus = StatusOf.GetValueOrDefault(instanceId, Status) }
            : null);

    public override Task RaiseEventAsync(string instanceId, string eventName, object? eventPayload = null, CancellationToken cancellation = default) =>
        throw new NotSupportedException();

    public override Task<OrchestrationMetadata> WaitForInstanceStartAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default) =>
        throw new NotSupportedException();

    public override Task<OrchestrationMetadata> WaitForInstanceCompletionAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default) =>
        throw new NotSupportedException();

    public override Task SuspendInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellation = default) =>
        throw new NotSupportedException();

    public override Task ResumeInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellation = default) =>
        throw new NotSupportedException();

    public override AsyncPageable<OrchestrationMetadata> GetAllInstancesAsync(OrchestrationQuery? filter = null) =>
        throw new NotSupportedException();

    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
