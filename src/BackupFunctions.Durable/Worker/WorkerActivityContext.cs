using BackupFunctions.Durable.Store.Postgres;
using BackupFunctions.Durable.Worker.Execution;

namespace BackupFunctions.Durable.Worker;

internal sealed class WorkerActivityContext(PostgresStore store, ActivityWorkItem item, CancellationTokenSource cts) : TaskActivityContext
{
    private string? _lastProgress = item.LastProgress;

    public override string Name => item.Name;

    public override string InstanceId => item.InstanceId;

    public override int Attempt => item.Attempt;

    public override DateTimeOffset ScheduledAt => new(item.CreatedAt, TimeSpan.Zero);

    /// <summary>When this worker locked the task (database clock).</summary>
    internal DateTime LockedAt => item.LockedAt;

    public override CancellationToken CancellationToken => cts.Token;

    public override async Task HeartbeatAsync(object? progress = null, CancellationToken cancellationToken = default)
    {
        var text = store.Options.DataConverter.Serialize(progress);
        PayloadLimit.Check(text, store.Options.MaxPayloadBytes, $"heartbeat progress of activity '{item.Name}'");
        var held = await store.HeartbeatAsync(store.Options.WorkerId, item.Id, text, store.Options.LeaseTime, cancellationToken);
        if (!held)
        {
            // Another worker owns the task now: stop this copy.
            await cts.CancelAsync();
            cts.Token.ThrowIfCancellationRequested();
        }

        _lastProgress = text;
    }

    public override T? GetLastProgress<T>() where T : default => store.Options.DataConverter.Deserialize<T>(_lastProgress);
}
