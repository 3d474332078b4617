using BackupFunctions.Host.TaskHub;
using BackupFunctions.Workflows.Configuration;
using Npgsql;

namespace BackupFunctions.Host.Health;

/// <summary>
/// Readiness: the task hub's sidecar listens (so the management API and the worker can reach the engine) and the
/// control database, which holds the catalog and the schedules' state, answers.
/// </summary>
internal sealed class ControlDatabaseProbe(BackupFunctionsOptions options, TaskHubSidecar sidecar)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public async Task<(bool Ready, string Detail)> CheckAsync(CancellationToken ct)
    {
        if (!sidecar.IsListening)
        {
            return (false, "The task hub is not open yet (its queues and tables are being created, or Azure Storage does not answer).");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(Timeout);
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(options.Control.ConnectionString) { Timeout = (int)Timeout.TotalSeconds };
            await using var connection = new NpgsqlConnection(builder.ConnectionString);
            await connection.OpenAsync(timeout.Token);
            return (true, "The task hub is open and the control database answers.");
        }
        catch (Exception ex) when (ex is NpgsqlException or OperationCanceledException or TimeoutException)
        {
            // The message names the server, never the password (Npgsql leaves it out).
            return (false, $"The control database does not answer: {ex.Message}");
        }
    }
}
