using Microsoft.DurableTask;

namespace BackupFunctions.Functions.Workflows;

/// <summary>
/// The <see cref="TaskActivityContext"/> a Workflows activity sees when the Functions host runs it: the activity's
/// name and the calling orchestration's instance id, which is all <c>BoundedActivity</c> reads.
/// </summary>
internal sealed class FunctionActivityContext(TaskName name, string instanceId) : TaskActivityContext
{
    public override TaskName Name { get; } = name;

    public override string InstanceId { get; } = instanceId;
}
