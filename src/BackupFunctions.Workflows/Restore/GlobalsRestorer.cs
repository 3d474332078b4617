using BackupFunctions.Pipeline;
using BackupFunctions.Pipeline.Keys;
using BackupFunctions.Pipeline.Manifests;
using BackupFunctions.Pipeline.Processes;
using Npgsql;

namespace BackupFunctions.Workflows.Restore;

/// <summary>
/// Recreates the roles a restore needs (owners, grantees) that the destination server lacks, from the
/// globals stored with the backup, before pg_restore runs. Roles that already exist are never
/// altered, and nothing is granted to them. Passwords are not in the backup: set them afterwards.
/// </summary>
public static class GlobalsRestorer
{
    public static async Task<IReadOnlyList<string>> CreateMissingRolesAsync(BackupManifest manifest, KeyRing keys, PgConnectionInfo destination, CancellationToken ct)
    {
        if (manifest.GlobalsArtifact is null)
        {
            return [];
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

        var missing = script.Roles.Where(r => !existing.Contains(r.Name)).ToList();
        if (missing.Count == 0)
        {
            return [];
        }

        // All or nothing: a half-created set of roles would make the next attempt skip some of them.
        await using var tx = await conn.BeginTransactionAsync(ct).ConfigureAwait(false);
        foreach (var statement in missing.SelectMany(r => r.Statements).Concat(missing.SelectMany(r => r.Memberships)))
        {
            await using var cmd = new NpgsqlCommand(statement, conn, tx);
            await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        await tx.CommitAsync(ct).ConfigureAwait(false);
        return missing.Select(r => r.Name).ToList();
    }
}
