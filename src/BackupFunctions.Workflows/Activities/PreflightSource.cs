using Microsoft.DurableTask;
using BackupFunctions.Pipeline.Inspection;
using Npgsql;

namespace BackupFunctions.Workflows.Activities;

public sealed record PreflightRequest(string? Database, string Kind, string? TenantId, IReadOnlyList<string>? Targets = null);

public sealed record PreflightResult(string Database, string ServerVersion, int ServerMajor, int ClientMajor, string Role, bool BypassesRls,
    IReadOnlyList<string> RlsTables, IReadOnlyList<string> Warnings, IReadOnlyList<string> Targets);

/// <summary>
/// Checks the source before any bytes move: connectivity, a pg_dump at least as new as the server,
/// and row-level security. A full backup by a role that RLS would filter fails here, loudly, instead
/// of producing a "successful" backup with rows missing.
/// </summary>
public sealed class PreflightSource(BackupEnvironment env, ActivityLimits limits) : BoundedActivity<PreflightRequest, PreflightResult>(limits)
{
    protected override Task<PreflightResult> RunAsync(ActivityRun context, PreflightRequest input) =>
        ActivityFailures.RunAsync(async () =>
        {
            IReadOnlyList<string> targets;
            try
            {
                targets = env.SelectTargets(input.Targets).Select(t => t.Name).ToList();
            }
            catch (UnknownTargetException e)
            {
                throw new NonRetryableTaskException(e.Message, e);
            }

            var source = input.Kind == Models.BackupKinds.Tenant && !string.IsNullOrWhiteSpace(env.Options.Tenants.ConnectionString)
                ? Pipeline.Processes.PgConnectionInfo.FromConnectionString(env.Options.Tenants.ConnectionString).WithDatabase(env.Source(input.Database).Database)
                : env.Source(input.Database);
            var inspector = new DatabaseInspector(source);
            await using var conn = await inspector.OpenAsync(context.CancellationToken);
            var server = await DatabaseInspector.GetServerVersionAsync(conn, context.CancellationToken);
            var client = env.Tools.Locator.ForServer(server.Major) ?? throw new NonRetryableTaskException(
                $"The source runs PostgreSQL {server.Text}, and no installed pg_dump is that version or newer " +
                $"(installed: {string.Join(", ", env.Tools.Locator.ListInstalled().Select(i => i.Major))}). Install postgresql-client-{server.Major}.");

            var (role, bypass) = await RoleAsync(conn, context.CancellationToken);
            var filtered = await TablesFilteredByRlsAsync(conn, context.CancellationToken);
            var warnings = new List<string>();
            if (input.Kind == Models.BackupKinds.Full && !bypass && filtered.Count > 0)
            {
                throw new NonRetryableTaskException(
                    $"Role '{role}' cannot take a full backup: row-level security would hide rows of {string.Join(", ", filtered)}, " +
                    "and pg_dump would either fail or (with --enable-row-security) silently dump only part of the data. " +
                    $"Fix: back up as a role with BYPASSRLS (ALTER ROLE {role} BYPASSRLS) or as the tables' owner without FORCE ROW LEVEL SECURITY.");
            }

            if (input.Kind == Models.BackupKinds.Tenant && filtered.Count == 0)
            {
                warnings.Add($"No table is filtered by row-level security for role '{role}': a tenant backup would contain every tenant's rows.");
            }

            return new PreflightResult(source.Database, server.Text, server.Major, client.Major, role, bypass, filtered, warnings, targets);
        });

    private static async Task<(string Role, bool Bypass)> RoleAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT current_user, rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user", conn);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (reader.GetString(0), reader.GetBoolean(1));
    }

    /// <summary>Tables whose rows RLS would filter for the current role: RLS on and not owned, or FORCE RLS.</summary>
    private static async Task<IReadOnlyList<string>> TablesFilteredByRlsAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        const string sql = """
            SELECT format('%I.%I', n.nspname, c.relname)
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p') AND c.relrowsecurity
              AND n.nspname NOT IN ('pg_catalog', 'information_schema')
              AND (c.relforcerowsecurity OR NOT pg_has_role(current_user, c.relowner, 'USAGE'))
            ORDER BY 1
            """;
        var tables = new List<string>();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            tables.Add(reader.GetString(0));
        }

        return tables;
    }
}
