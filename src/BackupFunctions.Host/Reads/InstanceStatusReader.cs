using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Hosting;

namespace BackupFunctions.Host.Reads;

/// <summary>
/// The instance read behind GET …/instances/{id}, coalesced per instance id: the pollers of one instance on this host
/// share a read of its row in the task hub instead of each costing one (see <see cref="FreshReadCoalescer{TKey,TValue}"/>
/// for why every answer is still as fresh as an uncoalesced read). Inputs and outputs are always fetched, so one read
/// serves callers with and without showInput.
/// </summary>
internal sealed class InstanceStatusReader(DurableTaskClient client, IHostApplicationLifetime lifetime)
{
    private readonly FreshReadCoalescer<string, OrchestrationMetadata?> _reads = new(lifetime.ApplicationStopping);

    public Task<OrchestrationMetadata?> GetAsync(string instanceId, CancellationToken ct) =>
        _reads.ReadAsync(instanceId, (id, stopping) => client.GetInstanceAsync(id, getInputsAndOutputs: true, stopping), ct);
}
