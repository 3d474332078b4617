using BackupFunctions.Host.Schedules;
using BackupFunctions.Testing;
using BackupFunctions.Workflows.Admission;
using BackupFunctions.Workflows.Catalog.Postgres;
using BackupFunctions.Workflows.Configuration;
using Npgsql;

namespace BackupFunctions.Host.Tests.Control;

/// <summary>
/// A host's first requests create the control schema from three places at once: the catalog (its metrics refresher
/// reads health at start-up), the admission slots (a POST /api/backups) and the schedule claims (a timer). Two hosts
/// start the same way. On a real PostgreSQL, concurrent CREATE SCHEMA IF NOT EXISTS collide with 23505 unless they
/// wait on the same lock; that collision once left a host's gauges empty for 30 s.
/// </summary>
public sealed class ControlSchemaFirstUseTests
{
    [Fact]
    public async Task The_catalog_the_admission_slots_and_the_schedule_claims_create_a_new_schema_at_once_without_colliding()
    {
        await using var control = await TempDatabase.CreateAsync("ddlrace");
        await using var db = NpgsqlDataSource.Create(control.ConnectionString);
        for (var round = 0; round < 12; round++)
        {
            var schema = $"bf_race_{round}";
            var options = new BackupFunctionsOptions { Control = new ControlOptions { ConnectionString = control.ConnectionString, CatalogSchema = schema } };
            var admission = new AdmissionOptions { MaxRunsPerDatabase = 2, Lease = TimeSpan.FromMinutes(5) };
            using var go = new ManualResetEventSlim();
            Task Start(Func<Task> first) => Task.Run(async () =>
            {
                go.Wait();
                await first();
            });

            // Two "hosts", each with its own catalog, admission store and schedule store, as in production.
            var firstUses = Enumerable.Range(0, 2).SelectMany(host => new[]
            {
                Start(() => new PostgresBackupCatalog(db, schema).ListAlertsAsync(includeAcknowledged: false, limit: 10)),
                Start(() => new AdmissionStore(db, schema, admission).TryAdmitAsync("orders", $"run-{round}-{host}", CancellationToken.None)),
                Start(() => new ScheduleStateStore(options).HasRunBeforeAsync("nightly", CancellationToken.None)),
            }).ToArray();
            go.Set();
            await Task.WhenAll(firstUses);

            Assert.Equal(4L, await control.ScalarAsync<long>(
                $"SELECT count(*) FROM pg_tables WHERE schemaname = '{schema}' AND tablename IN ('backups', 'alerts', 'admissions', 'schedule_runs')"));
        }
    }
}
