using BackupFunctions.Pipeline.Inspection;
using BackupFunctions.Pipeline.Processes;
using Npgsql;

namespace BackupFunctions.Workflows.Preflight;

/// <summary>What the preflight found on the source; the dump runs with <see cref="ClientMajor"/>'s pg_dump.</summary>
public sealed record SourcePreflightResult(
    string ServerVersion, int ServerMajor, int ClientMajor, string Role, bool BypassesRls, IReadOnlyList<string> RlsTables, IReadOnlyList<string> Warnings);

/// <summary>
/// Checks the source before any bytes move, for the durable backup (the PreflightSource activity) and the CLI's direct
/// one alike: a pg_dump at least as new as the server, and row-level security. Each refusal has its own wording and
/// comes before anything is stored, instead of a pg_dump error half-way through a run. The CLI's direct backup runs it
/// beside the dump (<see cref="BackupFunctions.Workflows.Operations.DirectBackupRunner"/>): a refusal cancels the dump, and the artifact is finished
/// only once the checks passed.
/// </summary>
public static class SourcePreflight
{
    /// <exception cref="SourcePreflightException">The backup would fail or lose rows.</exception>
    public static async Task<SourcePreflightResult> RunAsync(PgConnectionInfo source, PgClientLocator clients, bool fullBackup, CancellationToken ct)
    {
        var inspector = new DatabaseInspector(source);
        await using var conn = await inspector.OpenAsync(ct).ConfigureAwait(false);
        var server = await DatabaseInspector.GetServerVersionAsync(conn, ct).ConfigureAwait(false);
        var client = clients.ForServer(server.Major)
            ?? throw new SourcePreflightException(NoClientFor(server.Text, server.Major, clients.DescribeInstalled(), clients.ConfiguredBinDirectory));

        var (role, bypass) = await RoleAsync(conn, ct).ConfigureAwait(false);
        var filtered = await TablesFilteredByRlsAsync(conn, ct).ConfigureAwait(false);
        var warnings = new List<string>();
        if (fullBackup && !bypass && filtered.Count > 0)
        {
            throw new SourcePreflightException(RlsRefusal(role, filtered));
        }

        if (!fullBackup && filtered.Count == 0)
        {
            warnings.Add($"No table is filtered by row-level security for role '{role}': a tenant backup would contain every tenant's rows.");
        }

        return new SourcePreflightResult(server.Text, server.Major, client.Major, role, bypass, [.. filtered.Select(t => t.Name)], warnings);
    }

    /// <summary>The refusal for a server newer than every pg_dump at hand (pg_dump refuses to dump a newer server).</summary>
    public static string NoClientFor(string serverVersion, int serverMajor, string installed, string? configuredBinDirectory)
    {
        var have = installed.Length == 0 ? "none" : installed;
        var where = configuredBinDirectory is null
            ? $"install postgresql-client-{serverMajor} (or newer)"
            : $"point BackupFunctions:Source:PgBinDirectory (now '{configuredBinDirectory}') at a pg_dump {serverMajor} or newer";
        return $"The source server runs PostgreSQL {serverVersion}, which is newer than every pg_dump available here ({have}); " +
            $"pg_dump cannot dump a newer server, so nothing was dumped or uploaded. To fix: {where}.";
    }

    /// <summary>
    /// The refusal for a full backup that RLS would filter. A table the role owns is filtered only under FORCE ROW LEVEL
    /// SECURITY, which applies the policies to the owner too: "use the owner" would not help there.
    /// </summary>
    public static string RlsRefusal(string role, IReadOnlyList<RlsTable> filtered)
    {
        var forcedOwned = filtered.Where(t => t.OwnedByRole && t.Forced).Select(t => t.Name).ToList();
        var notOwned = filtered.Where(t => !t.OwnedByRole).Select(t => t.Name).ToList();
        var parts = new List<string>
        {
            $"Role '{role}' cannot take a full backup: row-level security would hide rows of {string.Join(", ", filtered.Select(t => t.Name))}, " +
            "and pg_dump would either fail or (with --enable-row-security) silently dump only part of the data.",
        };
        if (forcedOwned.Count > 0)
        {
            parts.Add($"'{role}' owns {string.Join(", ", forcedOwned)}, but FORCE ROW LEVEL SECURITY applies the policies to the owner too.");
        }

        var fixes = new List<string> { $"back up as a role with BYPASSRLS (ALTER ROLE {role} BYPASSRLS) or as a superuser" };
        if (forcedOwned.Count > 0)
        {
            fixes.Add($"or turn the owner's exemption back on ({string.Join("; ", forcedOwned.Select(t => $"ALTER TABLE {t} NO FORCE ROW LEVEL SECURITY"))})");
        }

        if (notOwned.Count > 0)
        {
            fixes.Add($"or back up as the owner of {string.Join(", ", notOwned)} (owners are exempt unless FORCE ROW LEVEL SECURITY is set)");
        }

        parts.Add("To fix: " + string.Join(", ", fixes) + ".");
        return string.Join(" ", parts);
    }

    private static async Task<(string Role, bool Bypass)> RoleAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT current_user, rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user", conn);
        await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        await reader.ReadAsync(ct).ConfigureAwait(false);
        return (reader.GetString(0), reader.GetBoolean(1));
    }

    /// <summary>Tables whose rows RLS would filter for the current role: RLS on and not owned, or FORCE RLS.</summary>
    private static async Task<IReadOnlyList<RlsTable>> TablesFilteredByRlsAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        const string sql = """
            SELECT format('%I.%I', n.nspname, c.relname), pg_has_role(current_user, c.relowner, 'USAGE'), c.relforcerowsecurity
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p') AND c.relrowsecurity
              AND n.nspname NOT IN ('pg_catalog', 'information_schema')
              AND (c.relforcerowsecurity OR NOT pg_has_role(current_user, c.relowner, 'USAGE'))
            ORDER BY 1
            """;
        var tables = new List<RlsTable>();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            tables.Add(new RlsTable(reader.GetString(0), reader.GetBoolean(1), reader.GetBoolean(2)));
        }

        return tables;
    }
}

/// <summary>A table row-level security filters for the backup role; <see cref="Forced"/>: FORCE ROW LEVEL SECURITY.</summary>
public sealed record RlsTable(string Name, bool OwnedByRole, bool Forced);
