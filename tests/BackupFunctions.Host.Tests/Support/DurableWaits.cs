using Microsoft.DurableTask.Client;

namespace BackupFunctions.Host.Tests.Support;

/// <summary>
/// The client's waits, bounded so a broken engine fails a test instead of hanging the run. A fresh hub on Azurite
/// takes a few seconds to take its partition leases before the first orchestration runs; 60 s covers that on a
/// loaded machine.
/// </summary>
public static class DurableWaits
{
    private static CancellationToken Bound() => new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;

    public static Task<OrchestrationMetadata> StartedAsync(this DurableTaskClient client, string id) =>
        client.WaitForInstanceStartAsync(id, getInputsAndOutputs: true, Bound());

    public static Task<OrchestrationMetadata> CompletedAsync(this DurableTaskClient client, string id) =>
        client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, Bound());

    /// <summary>Every instance whose id starts with <paramref name="prefix"/>, all pages.</summary>
    public static async Task<List<OrchestrationMetadata>> InstancesAsync(this DurableTaskClient client, string prefix)
    {
        var all = new List<OrchestrationMetadata>();
        await foreach (var instance in client.GetAllInstancesAsync(new OrchestrationQuery { InstanceIdPrefix = prefix, PageSize = 100 }))
        {
            all.Add(instance);
        }

        return all;
    }
}
