using System.Net;
using System.Text.Json;
using BackupFunctions.Host.Tests.Support;
using BackupFunctions.Testing;
using Npgsql;

namespace BackupFunctions.Host.Tests.EndToEnd;

/// <summary>
/// The host's way to the new server's password: its password file (PGPASSFILE), read by Npgsql and passed on
/// to pg_restore; a request never carries it. A DR run as a role that can log in only with its password, on
/// the real engine (task hub on Azurite), and nothing the task hub keeps for the run holds that password.
/// </summary>
public sealed class DisasterRecoveryPasswordFileTests
{
    [Fact]
    public async Task A_dr_run_authenticates_with_the_hosts_PGPASSFILE_and_its_history_holds_no_password()
    {
        await using var source = await TempDatabase.CreateAsync("e2edrpw");
        await source.ExecuteAsync("CREATE TABLE items (id int PRIMARY KEY, name text); INSERT INTO items SELECT g, 'item ' || g FROM generate_series(1, 120) g;");
        await using var control = await TempDatabase.CreateAsync("e2ectl");
        await using var targets = await RealTargets.CreateAsync(source.Name);
        await using var hub = new TestHub();
        var role = "bf_drpw_" + Guid.NewGuid().ToString("N")[..10];
        var password = "pw-" + Guid.NewGuid().ToString("N");
        TestSecrets.Register(password);
        var recovered = "e2e_drpw_" + Guid.NewGuid().ToString("N")[..10];
        var passfile = Path.Combine(targets.Root, "pgpass");
        await File.WriteAllTextAsync(passfile, $"{TestServices.PgHost}:{TestServices.PgPort}:*:{role}:{password}\n");
        File.SetUnixFileMode(passfile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        await ExecAsync($"CREATE ROLE {role} LOGIN SUPERUSER PASSWORD '{password}'");
        try
        {
            var settings = HostSettings.For(control.ConnectionString, hub.Name, productWorkflows: true).WithOptions(targets.Options);
            settings["PGPASSFILE"] = passfile;
            await using var host = await HostProcess.StartAsync(settings);
            var admin = host.Client(TestKeys.Admin);
            var backupId = (await HttpRuns.CompleteAsync(admin, "/api/backups", """{"kind":"full"}""")).GetProperty("output").Str("backupId");
            var server = new NpgsqlConnectionStringBuilder { Host = TestServices.PgHost, Port = TestServices.PgPort, Username = role }.ConnectionString;

            var refused = await admin.PostAsync("/api/dr", HttpJson.Body(JsonSerializer.Serialize(new
            {
                backupId, targetConnectionString = server + ";Password=" + password, targetDatabase = recovered, skipApproval = true,
            })));
            var done = await HttpRuns.CompleteAsync(admin, "/api/dr", JsonSerializer.Serialize(new
            {
                backupId, targetConnectionString = server, targetDatabase = recovered, skipApproval = true,
            }), maxSeconds: 240);
            var instanceId = done.Str("instanceId");
            var stored = await (await admin.GetAsync(
                $"/runtime/webhooks/durabletask/instances/{instanceId}?showHistory=true&showHistoryOutput=true&showInput=true")).Content.ReadAsStringAsync();

            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Equal("succeeded", done.GetProperty("output").Str("status"));
            Assert.Equal(120L, await CountAsync(recovered));
            Assert.Contains(role, stored, StringComparison.Ordinal);
            Assert.Contains("TaskCompleted", stored, StringComparison.Ordinal);
            Assert.DoesNotContain(password, stored, StringComparison.Ordinal);
            Assert.DoesNotContain(password, done.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain(host.Output, line => line.Contains(password, StringComparison.Ordinal));
        }
        finally
        {
            await ExecAsync($"DROP DATABASE IF EXISTS \"{recovered}\" WITH (FORCE)");
            await ExecAsync($"DROP ROLE IF EXISTS {role}");
        }
    }

    private static async Task ExecAsync(string sql)
    {
        await using var conn = new NpgsqlConnection(TestServices.PgConnectionString());
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }

    private static async Task<long> CountAsync(string database)
    {
        await using var conn = new NpgsqlConnection(TestServices.PgConnectionString(database));
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT count(*) FROM items", conn);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }
}
