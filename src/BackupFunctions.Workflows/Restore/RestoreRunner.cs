using System.Diagnostics;
using BackupFunctions.Pipeline;
using BackupFunctions.Pipeline.Format;
using BackupFunctions.Pipeline.Inspection;
using BackupFunctions.Pipeline.Keys;
using BackupFunctions.Pipeline.Processes;
using BackupFunctions.Targets;
using BackupFunctions.Workflows.Catalog;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace BackupFunctions.Workflows.Restore;

/// <summary>
/// Restores one backup into a database: streams the artifact from the first target that holds a
/// verified copy (the target wrapper retries and resumes ranged reads), authenticates and hashes it
/// on the way into pg_restore in a single transaction, and falls back to the next target when a
/// target fails or serves damaged bytes. Ends by comparing every table's row count with the manifest.
/// </summary>
/// <remarks>
/// Into a database it creates itself, the restore runs <c>pg_restore -j</c> (BackupFunctions:Restore:Jobs)
/// from a staged copy, with the schema and then each table's data loaded from a custom archive while it decodes
/// (<see cref="RestoreOptions.OverlapDecode"/>): not atomic, but a failure drops the database this run created.
/// </remarks>
public sealed class RestoreRunner(BackupEnvironment env)
{
    /// <summary>
    /// Completes when the backup may be read (its restore lease was taken, <see cref="Retention.RestoreLease"/>): the
    /// database and roles are prepared meanwhile, and no copy is opened before it.
    /// </summary>
    public Task ReadableAfter { get; init; } = Task.CompletedTask;

    public async Task<RestoreRunResult> RunAsync(CatalogEntry entry, PgConnectionInfo destination,
        IProgress<string>? progress = null, CancellationToken ct = default)
    {
        var sw = Stopwatch.StartNew();
        var created = await EnsureDatabaseExistsAsync(destination, ct).ConfigureAwait(false);
        try
        {
            var result = await RestoreIntoAsync(entry, destination, created, sw, progress, ct).ConfigureAwait(false);
            if (created && result.ServedBy is null)
            {
                // Nothing was restored into the database this run created. (One restored with differing row
                // counts is kept: it is the evidence a person needs.)
                await DropDatabaseAsync(destination).ConfigureAwait(false);
            }

            return result;
        }
        catch when (created)
        {
            // A database this run created and could not fill is only clutter that looks like a restore.
            await DropDatabaseAsync(destination).ConfigureAwait(false);
            throw;
        }
    }

    private async Task<RestoreRunResult> RestoreIntoAsync(CatalogEntry entry, PgConnectionInfo destination, bool created, Stopwatch sw,
        IProgress<string>? progress, CancellationToken ct)
    {
        var manifest = entry.Manifest;

        var roles = await GlobalsRestorer.CreateMissingRolesAsync(manifest, env.Keys, destination, ct).ConfigureAwait(false);
        if (roles.Created.Count > 0)
        {
            progress?.Report($"created missing roles (without passwords): {string.Join(", ", roles.Created)}");
        }

        if (roles.NotCreated.Count > 0)
        {
            progress?.Report($"not created, the database does not use them: {string.Join(", ", roles.NotCreated)}");
        }

        var attempts = new List<RestoreAttempt>();
        var pipeline = new RestorePipeline(env.Tools, env.LoggerFactory.CreateLogger<RestorePipeline>());
        var options = new RestoreOptions
        {
            ExpectedStoredSha256 = manifest.StoredSha256,
            ExpectedPlainSha256 = manifest.PlainSha256,
            Expected = manifest.Expectation(),
            // pg_restore -j is not atomic: only into a database this run created, which RunAsync drops when
            // the restore fails. An existing database gets the streaming restore in one transaction.
            Jobs = created ? env.Options.Restore.EffectiveJobs : 1,
            // The schema and each table's data from a custom dump while the rest decodes: before the final hash check, so
            // also only into a database this run created (and drops on failure). An existing database is checked whole first.
            OverlapDecode = created,
            TableDataBytes = manifest.TableDataBytes,
            StagingDirectory = env.Options.StagingDirectory,
            PlainBytes = manifest.RawBytes > 0 ? manifest.RawBytes : null,
            DumpFormat = manifest.DumpFormat ?? DumpFormats.Custom,
        };

        RestoreResult? restored = null;
        string? servedBy = null;
        LoadedTableCounts? counting = null;
        try
        {
            await ReadableAfter.WaitAsync(ct).ConfigureAwait(false);
            foreach (var target in RestoreCandidates.For(env, entry))
            {
                var attempt = Stopwatch.StartNew();
                progress?.Report($"restoring from {target.Name}");
                // Into a database this run created, the tables loaded while the artifact decodes are counted while the rest loads.
                counting = created ? new LoadedTableCounts(destination, ct, manifest.RowCounts) : null;
                try
                {
                    await using var artifact = await target.OpenReadAsync(manifest.ArtifactKey, ct: ct).ConfigureAwait(false);
                    restored = await pipeline.RunAsync(artifact, env.Keys, destination, options with { TablesLoaded = counting is null ? null : counting.Loaded },
                        null, ct).ConfigureAwait(false);
                    servedBy = target.Name;
                    attempts.Add(new RestoreAttempt(target.Name, true, null, attempt.Elapsed));
                    break;
                }
                catch (Exception e) when (e is TargetException or ArtifactIntegrityException)
                {
                    // Those counts were of a database that is about to be dropped.
                    if (counting is not null) await counting.DisposeAsync().ConfigureAwait(false);
                    counting = null;
                    // This copy is unreachable or damaged; pg_restore ran in one transaction (or, in parallel mode, the overlap
                    // may have loaded the schema and some tables before the damage showed; the post-data section had not run).
                    attempts.Add(new RestoreAttempt(target.Name, false, e.Message, attempt.Elapsed) { Damaged = e is ArtifactIntegrityException });
                    progress?.Report($"{target.Name} failed: {e.Message}");
                    if (created)
                    {
                        // The overlap may have created objects and loaded rows from this copy before its damage showed:
                        // the next copy starts from an empty database again.
                        await DropDatabaseAsync(destination).ConfigureAwait(false);
                        await EnsureDatabaseExistsAsync(destination, ct).ConfigureAwait(false);
                    }
                }
            }

            var expected = manifest.RowCounts;
            if (restored is null)
            {
                var error = attempts.Count == 0
                    ? "No configured target holds a copy of this backup."
                    : "Every target that holds a copy failed: " + string.Join("; ", attempts.Select(a => $"{a.Target}: {a.Error}"));
                return new RestoreRunResult(manifest.BackupId, destination.Database, false, null, attempts, expected,
                    new Dictionary<string, long>(), [], [], sw.Elapsed, error) { RolesCreated = roles.Created, RolesNotCreated = roles.NotCreated };
            }

            var counted = counting is null ? null : await counting.CompleteAsync().ConfigureAwait(false);
            progress?.Report(counted is { Count: > 0 }
                ? $"comparing row counts ({counted.Count} tables were counted as their data committed, {counting!.FromIndexBuilds} of them by their index builds)"
                : "comparing row counts");
            // One session per restore job: the scans of a freshly restored database are CPU-bound.
            var actual = await new DatabaseInspector(destination).CountRowsAsync(env.Options.Restore.EffectiveJobs, ct, counted).ConfigureAwait(false);
            var mismatches = RowCountComparer.Compare(expected, actual);
            return new RestoreRunResult(manifest.BackupId, destination.Database, mismatches.Count == 0, servedBy, attempts, expected, actual,
                mismatches, restored.Warnings, sw.Elapsed,
                mismatches.Count == 0 ? null : $"{mismatches.Count} table(s) differ from the manifest after restore.") { RolesCreated = roles.Created, RolesNotCreated = roles.NotCreated, Mode = restored.Mode };
        }
        finally
        {
            if (counting is not null) await counting.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static async Task DropDatabaseAsync(PgConnectionInfo destination)
    {
        await using var conn = new NpgsqlConnection(destination.WithDatabase("postgres").ToNpgsqlConnectionString());
        await conn.OpenAsync(CancellationToken.None).ConfigureAwait(false);
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {QuoteIdent(destination.Database)} WITH (FORCE)", conn);
        await drop.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>Creates the destination database when it does not exist yet (returns true then); an existing one is restored into as is.</summary>
    private static async Task<bool> EnsureDatabaseExistsAsync(PgConnectionInfo destination, CancellationToken ct)
    {
        var admin = destination.WithDatabase("postgres");
        await using var conn = new NpgsqlConnection(admin.ToNpgsqlConnectionString());
        try
        {
            await conn.OpenAsync(ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
        {
            throw new PgConnectionException($"Cannot connect to the destination server {admin}: {e.Message}", PgFailureKind.Unreachable, e);
        }

        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", conn);
        exists.Parameters.AddWithValue(destination.Database);
        if (await exists.ExecuteScalarAsync(ct).ConfigureAwait(false) is null)
        {
            await using var create = new NpgsqlCommand($"CREATE DATABASE {QuoteIdent(destination.Database)}", conn);
            await create.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            return true;
        }

        return false;
    }

    private static string QuoteIdent(string name) => "\"" + name.Replace("\"", "\"\"") + "\"";
}
