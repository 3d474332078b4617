using BackupFunctions.Durable;
using Npgsql;

namespace BackupFunctions.Host.Health;

/// <summary>
/// Readiness: the control database answers, and the engine's schema for our task hub is there (the worker creates
/// it on start, so until then this host cannot serve the management API reliably).
/// </summary>
internal sealed class ControlDatabaseProbe(DurableTaskOptions options)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public async Task<(bool Ready, string Detail)> CheckAsync(CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(Timeout);
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(options.ConnectionString) { Timeout = (int)Timeout.TotalSeconds };
            await using var connection = new NpgsqlConnection(builder.ConnectionString);
            await connection.OpenAsync(timeout.Token);
            await using var command = new NpgsqlCommand("SELECT to_regclass(@table) IS NOT NULL", connection);
            command.Parameters.AddWithValue("table", $"durable_{options.TaskHubName.ToLowerInvariant()}.instances");
            var present = (bool)(await command.ExecuteScalarAsync(timeout.Token))!;
            return present
                ? (true, "The control database answers and the engine schema is present.")
                : (false, $"The control database answers, but task hub '{options.TaskHubName}' has no schema yet; the worker creates it on start.");
        }
        catch (Exception ex) when (ex is NpgsqlException or OperationCanceledException or TimeoutException)
        {
            // The message names the server, never the password (Npgsql leaves it out).
            return (false, $"The control database does not answer: {ex.Message}");
        }
    }
}
