using BackupFunctions.Host.Hosting;
using BackupFunctions.Host.Logging;
using BackupFunctions.Host.TaskHub;
using BackupFunctions.Workflows.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace BackupFunctions.Host.Health;

/// <summary>
/// Readiness: the task hub's sidecar listens (so the management API and the worker can reach the engine) and the
/// control database, which holds the catalog and the schedules' state, answers.
/// The answer is kept for <see cref="BackupHostOptions.ReadinessCacheDuration"/>: the route is anonymous, and a probe
/// that opened a connection per request would let anyone fill the control database's connection slots. The reason
/// for "not ready" goes to the log, never to the caller (it names the server and the user).
/// </summary>
internal sealed class ControlDatabaseProbe(
    BackupFunctionsOptions options, TaskHubSidecar sidecar, IOptions<BackupHostOptions> hostOptions, TimeProvider time,
    ILogger<ControlDatabaseProbe> logger)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private ReadinessResult? _last;
    private DateTimeOffset _checkedAt;
    private int _connectionAttempts;

    /// <summary>How many times the probe has tried to open a connection (what the cache saves).</summary>
    public int ConnectionAttempts => Volatile.Read(ref _connectionAttempts);

    /// <summary>The cached answer while it is fresh, else a new check; concurrent callers share one check.</summary>
    public async Task<ReadinessResult> CheckAsync(CancellationToken ct)
    {
        if (Fresh() is { } cached)
        {
            return cached;
        }

        await _gate.WaitAsync(ct);
        try
        {
            if (Fresh() is { } again)
            {
                return again;
            }

            var result = await CheckNowAsync(ct);
            if (!result.Ready && result.Detail != _last?.Detail)
            {
                Log.NotReady(logger, result.Detail);
            }

            _last = result;
            _checkedAt = time.GetUtcNow();
            return result;
        }
        finally
        {
            _gate.Release();
        }
    }

    private ReadinessResult? Fresh()
    {
        var last = _last;
        return last is not null && time.GetUtcNow() - _checkedAt < hostOptions.Value.ReadinessCacheDuration ? last : null;
    }

    private async Task<ReadinessResult> CheckNowAsync(CancellationToken ct)
    {
        if (!sidecar.IsListening)
        {
            return new(false, "The task hub is not open yet (its queues and tables are being created, or Azure Storage does not answer).");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(Timeout);
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(options.Control.ConnectionString) { Timeout = (int)Timeout.TotalSeconds };
            Interlocked.Increment(ref _connectionAttempts);
            await using var connection = new NpgsqlConnection(builder.ConnectionString);
            await connection.OpenAsync(timeout.Token);
            return new(true, "The task hub is open and the control database answers.");
        }
        catch (Exception ex) when (ex is NpgsqlException or OperationCanceledException or TimeoutException && !ct.IsCancellationRequested)
        {
            // For the log only: the message names the server and the user, never the password (Npgsql leaves it out).
            return new(false, $"The control database does not answer: {ex.Message}");
        }
    }
}

/// <summary>One readiness answer; <see cref="Detail"/> is for the log, not for the anonymous caller.</summary>
internal sealed record ReadinessResult(bool Ready, string Detail);
