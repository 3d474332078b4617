using BackupFunctions.Durable;

namespace BackupFunctions.Host.Tests.Support;

/// <summary>The client's waits, bounded so a broken engine fails a test instead of hanging the run.</summary>
public static class DurableWaits
{
    private static CancellationToken Bound() => new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;

    public static Task<OrchestrationMetadata> StartedAsync(this DurableTaskClient client, string id) =>
        client.WaitForInstanceStartAsync(id, getInputsAndOutputs: true, Bound());

    public static Task<OrchestrationMetadata> CompletedAsync(this DurableTaskClient client, string id) =>
        client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, Bound());
}
