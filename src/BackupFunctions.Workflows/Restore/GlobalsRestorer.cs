using BackupFunctions.Pipeline;
using BackupFunctions.Pipeline.Keys;
using BackupFunctions.Pipeline.Manifests;
using BackupFunctions.Pipeline.Processes;
using Npgsql;

namespace BackupFunctions.Workflows.Restore;

/// <summary>
/// Recreates the roles a restore needs that the destination server lacks, from the globals stored with the backup,
/// before pg_restore runs: the roles the database uses (owners, grantees, policy roles; recorded at backup time) and
/// the members of those. Other roles of the source cluster are not created, only listed. Roles that already exist
/// are never altered, and nothing is granted to them. Passwords are not in the backup: set them afterwards.
/// Backups taken before the used roles were recorded recreate every missing role, as they did.
/// </summary>
public static class GlobalsRestorer
{
    public static async Task<RolesRestored> CreateMissingRolesAsync(BackupManifest manifest, KeyRing keys, PgConnectionInfo destination, CancellationToken ct)
    {
        if (manifest.GlobalsArtifact is null)
        {
            return RolesRestored.None;
        }

        using var artifact = new MemoryStream(Convert.FromBase64String(manifest.GlobalsArtifact), writable: false);
        using var sql = new MemoryStream();
        await ArtifactDecoder.DecodeToAsync(artifact, keys, sql, manifest.GlobalsSha256, null, ct, manifest.Expectation()).ConfigureAwait(false);
        var script = GlobalsScript.Parse(System.Text.Encoding.UTF8.GetString(sql.GetBuffer(), 0, (int)sql.Length));

        await using var conn = new NpgsqlConnection(destination.WithDatabase("postgres").ToNpgsqlConnectionString());
        await conn.OpenAsync(ct).ConfigureAwait(false);
        var existing = new HashSet<string>(StringComparer.Ordinal);
        await using (var cmd = new NpgsqlCommand("SELECT rolname FROM pg_roles", conn))
        await using (var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                existing.Add(reader.GetString(0));
            }
        }

        var needed = Needed(script);
        var absent = script.Roles.Where(r => !existing.Contains(r.Name)).ToList();
        var missing = absent.Where(r => needed is null || needed.Contains(r.Name)).ToList();
        var notCreated = absent.Except(missing).Select(r => r.Name).ToList();
        if (missing.Count == 0)
        {
            return new RolesRestored([], notCreated);
        }

        // A membership in a role that is neither there nor created would fail the whole transaction; it is not needed.
        var willExist = new HashSet<string>(existing.Concat(missing.Select(r => r.Name)), StringComparer.Ordinal);
        var memberships = missing.SelectMany(r => r.Memberships.Zip(r.MemberOf)).Where(m => willExist.Contains(m.Second)).Select(m => m.First);

        // All or nothing: a half-created set of roles would make the next attempt skip some of them.
        await using var tx = await conn.BeginTransactionAsync(ct).ConfigureAwait(false);
        foreach (var statement in missing.SelectMany(r => r.Statements).Concat(memberships))
        {
            await using var cmd = new NpgsqlCommand(statement, conn, tx);
            await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        await tx.CommitAsync(ct).ConfigureAwait(false);
        return new RolesRestored(missing.Select(r => r.Name).ToList(), notCreated);
    }

    /// <summary>
    /// The roles the database uses and, transitively, the members of those (they reach the database through them);
    /// null when the backup did not record the roles it uses.
    /// </summary>
    private static HashSet<string>? Needed(GlobalsScript script)
    {
        if (script.RolesUsedByDatabase is null)
        {
            return null;
        }

        var needed = new HashSet<string>(script.RolesUsedByDatabase, StringComparer.Ordinal);
        bool grew;
        do
        {
            grew = false;
            foreach (var role in script.Roles.Where(r => !needed.Contains(r.Name) && r.MemberOf.Any(needed.Contains)))
            {
                grew |= needed.Add(role.Name);
            }
        }
        while (grew);
        return needed;
    }
}
