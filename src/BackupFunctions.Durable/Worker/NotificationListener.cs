using BackupFunctions.Durable.Store.Postgres;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace BackupFunctions.Durable.Worker;

/// <summary>
/// Holds one LISTEN connection and wakes the dispatchers when new work is committed. On reconnect it
/// wakes both, since notifications sent while disconnected are lost; the poll fallback covers the rest.
/// </summary>
internal sealed class NotificationListener(PostgresStore store, WorkSignal orchestrations, WorkSignal activities, ILogger logger)
{
    public async Task RunAsync(CancellationToken ct)
    {
        var cs = new NpgsqlConnectionStringBuilder(store.Options.ConnectionString) { Pooling = false, KeepAlive = 15 }.ConnectionString;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await using var conn = new NpgsqlConnection(cs);
                await conn.OpenAsync(ct);
                conn.Notification += (_, e) =>
                {
                    if (e.Channel == store.ActivityChannel)
                    {
                        activities.Set();
                    }
                    else
                    {
                        orchestrations.Set();
                    }
                };
                await using (var cmd = new NpgsqlCommand($"LISTEN {store.OrchestrationChannel}; LISTEN {store.ActivityChannel};", conn))
                {
                    await cmd.ExecuteNonQueryAsync(ct);
                }

                orchestrations.Set();
                activities.Set();
                while (!ct.IsCancellationRequested)
                {
                    await conn.WaitAsync(ct);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                Log.ListenerError(logger, ex);
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), ct);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
