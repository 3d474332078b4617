using Microsoft.DurableTask;
using BackupFunctions.Pipeline.Inspection;
using BackupFunctions.Pipeline.Processes;
using Npgsql;

namespace BackupFunctions.Workflows.Activities;

public sealed record RestoreTargetPreflightRequest(string TargetConnectionString, string Database);

public sealed record RestoreTargetPreflight(string Server, string ServerVersion, int ServerMajor, string Role, bool DatabaseExists, IReadOnlyList<string> Warnings);

/// <summary>
/// Checks the server a DR run recovers onto before anything is downloaded: it answers, its version,
/// and that the role may create the database (CREATEDB) and the missing roles (CREATEROLE). A
/// database of that name that already holds tables is refused rather than restored over.
/// </summary>
public sealed class PreflightRestoreTarget(BackupEnvironment env, ActivityLimits limits) : BoundedActivity<RestoreTargetPreflightRequest, RestoreTargetPreflight>(limits)
{
    protected override Task<RestoreTargetPreflight> RunAsync(ActivityRun context, RestoreTargetPreflightRequest input) =>
        ActivityFailures.RunAsync(async () =>
        {
            var ct = context.CancellationToken;
            var server = env.Passwords.Apply(PgConnectionInfo.FromConnectionString(input.TargetConnectionString));
            var where = $"{server.Username}@{server.Host}:{server.Port}";
            NpgsqlConnection conn;
            try
            {
                conn = await new DatabaseInspector(server.WithDatabase("postgres")).OpenAsync(ct);
            }
            catch (PgOperationException e) when (e.Kind is PgFailureKind.Unreachable or PgFailureKind.ConnectionLost)
            {
                // Unreachable may be temporary (the server is still starting): retried by the policy.
                throw new IOException($"The new server {where} is not reachable: {e.Message}", e);
            }
            catch (PgOperationException e)
            {
                throw new NonRetryableTaskException($"The new server {where} refused the connection: {e.Message}", e);
            }

            await using (conn)
            {
                var version = await DatabaseInspector.GetServerVersionAsync(conn, ct);
                string role;
                bool canCreateDb, canCreateRole;
                await using (var cmd = new NpgsqlCommand(
                    "SELECT current_user, rolsuper OR rolcreatedb, rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user", conn))
                await using (var reader = await cmd.ExecuteReaderAsync(ct))
                {
                    await reader.ReadAsync(ct);
                    role = reader.GetString(0);
                    canCreateDb = reader.GetBoolean(1);
                    canCreateRole = reader.GetBoolean(2);
                }

                var missing = new List<string>();
                if (!canCreateDb) missing.Add("CREATEDB");
                if (!canCreateRole) missing.Add("CREATEROLE");
                if (missing.Count > 0)
                {
                    throw new NonRetryableTaskException(
                        $"Role '{role}' on the new server {where} lacks {string.Join(" and ", missing)}: a recovery creates the database and the missing roles. " +
                        $"Fix: ALTER ROLE {role} {string.Join(" ", missing)}, or connect as a superuser.");
                }

                bool exists;
                await using (var cmd = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", conn))
                {
                    cmd.Parameters.AddWithValue(input.Database);
                    exists = await cmd.ExecuteScalarAsync(ct) is not null;
                }

                var warnings = new List<string>();
                if (exists)
                {
                    var tables = await UserTableCountAsync(server.WithDatabase(input.Database), ct);
                    if (tables > 0)
                    {
                        throw new NonRetryableTaskException(
                            $"Database '{input.Database}' on the new server {where} already exists and holds {tables} table(s): a recovery will not restore over it. " +
                            "Choose another targetDatabase or drop it.");
                    }

                    warnings.Add($"Database '{input.Database}' already exists on {where} (empty); the restore uses it.");
                }

                return new RestoreTargetPreflight(where, version.Text, version.Major, role, exists, warnings);
            }
        });

    private static async Task<long> UserTableCountAsync(PgConnectionInfo database, CancellationToken ct)
    {
        await using var conn = await new DatabaseInspector(database).OpenAsync(ct);
        await using var cmd = new NpgsqlCommand(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace " +
            "WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%'", conn);
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }
}
