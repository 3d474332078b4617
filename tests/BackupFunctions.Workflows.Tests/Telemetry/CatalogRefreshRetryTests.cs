using BackupFunctions.Testing;
using BackupFunctions.Workflows.Catalog.Postgres;
using BackupFunctions.Workflows.Telemetry;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace BackupFunctions.Workflows.Tests.Telemetry;

/// <summary>
/// A host whose first catalog read fails (here: its control database does not exist yet, as while a server starts)
/// reads it again within seconds, not at the next refresh period (10 minutes here), so the gauges do not stay empty.
/// </summary>
public sealed class CatalogRefreshRetryTests
{
    [Fact]
    public async Task A_failed_first_read_is_tried_again_within_seconds_and_the_gauges_then_have_the_catalog()
    {
        var name = "bf_later_" + Guid.NewGuid().ToString("N")[..12];
        await using var db = NpgsqlDataSource.Create(TestServices.PgConnectionString(name));
        using var metrics = new BackupMetrics();
        var logger = new RetryLog();
        var refresher = new CatalogMetricsRefresher(new PostgresBackupCatalog(db), metrics,
            new TelemetryOptions { CatalogRefreshInterval = TimeSpan.FromMinutes(10), CatalogRefreshRetryDelay = TimeSpan.FromMilliseconds(300) }, logger);
        await refresher.StartAsync(CancellationToken.None);
        try
        {
            Assert.True(await WithinAsync(() => logger.Retries > 0), "no failed read was tried again");
            Assert.False(metrics.HasCatalogSnapshot);

            await using (var admin = new NpgsqlConnection(TestServices.PgConnectionString()))
            {
                await admin.OpenAsync();
                await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", admin);
                await create.ExecuteNonQueryAsync();
            }

            Assert.True(await WithinAsync(() => metrics.HasCatalogSnapshot), "the catalog was not read after its database came");
            Assert.Contains(logger.Messages, m => m.Contains("3D000", StringComparison.Ordinal) && m.Contains("trying again in", StringComparison.Ordinal));
        }
        finally
        {
            await refresher.StopAsync(CancellationToken.None);
            await using var admin = new NpgsqlConnection(TestServices.PgConnectionString());
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
        }
    }

    /// <summary>Waits up to 30 s (a bound, not a timing check: the refresh period is 10 minutes).</summary>
    private static async Task<bool> WithinAsync(Func<bool> condition)
    {
        for (var i = 0; i < 300 && !condition(); i++) await Task.Delay(100);
        return condition();
    }

    private sealed class RetryLog : ILogger<CatalogMetricsRefresher>
    {
        private readonly List<string> _messages = [];

        public int Retries { get { lock (_messages) return _messages.Count(m => m.Contains("trying again", StringComparison.Ordinal)); } }

        public List<string> Messages { get { lock (_messages) return [.. _messages]; } }

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (_messages) _messages.Add(formatter(state, exception));
        }
    }
}
