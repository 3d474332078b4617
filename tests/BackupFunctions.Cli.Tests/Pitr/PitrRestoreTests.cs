using System.Globalization;
using BackupFunctions.Cli.Tests.Support;
using BackupFunctions.Testing;
using Npgsql;

namespace BackupFunctions.Cli.Tests.Pitr;

/// <summary>
/// Issue 15's acceptance: WAL archived by the real <c>backupctl wal push</c> from a real PostgreSQL
/// 15, a base backup, rows in timed batches, then <c>backupctl restore --pitr</c> into new data
/// directories, started and queried: exactly the rows committed by the target time are there.
/// </summary>
public sealed class PitrRestoreTests(PitrEnvironment env) : IClassFixture<PitrEnvironment>
{
    [Fact]
    public async Task Restore_to_a_time_between_two_batches_holds_exactly_the_rows_committed_before_it()
    {
        // After batch 2 committed, a second before batch 3 began.
        var target = env.CommittedBy[1];
        var dataDirectory = Path.Combine(env.Root, "restored-mid");
        var port = env.NextPort();
        try
        {
            var run = await Backupctl.RunAsync(RestoreArgs(target.ToString("O", CultureInfo.InvariantCulture), dataDirectory, port));

            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.Equal(2 * PitrEnvironment.RowsPerBatch, run.Json.GetProperty("rowCounts").GetProperty("public.items").GetInt64());
            var batches = await RestoredServer.BatchesAsync(port);
            Assert.Equal([1, 2], batches.Keys);
            Assert.All(batches.Values, n => Assert.Equal(PitrEnvironment.RowsPerBatch, n));
            var lastReplay = run.Json.GetProperty("lastReplayedTransaction").GetDateTimeOffset();
            Assert.True(lastReplay <= target && lastReplay >= env.CommittedBy[0], $"last replayed {lastReplay:O}, target {target:O}");
            // Promoted: a new timeline, writable.
            Assert.True(run.Json.GetProperty("timeline").GetInt32() >= 2, run.Stdout);
            await RestoredServer.ExecuteAsync(port, "INSERT INTO items (id, batch) VALUES (100000, 99)");
        }
        finally
        {
            await ArchivingCluster.StopAsync(dataDirectory);
        }
    }

    [Fact]
    public async Task Restore_to_latest_replays_every_archived_batch()
    {
        var dataDirectory = Path.Combine(env.Root, "restored-latest");
        var port = env.NextPort();
        try
        {
            var run = await Backupctl.RunAsync(RestoreArgs("latest", dataDirectory, port));

            Assert.True(run.ExitCode == 0, run.ToString());
            var batches = await RestoredServer.BatchesAsync(port);
            Assert.Equal(Enumerable.Range(1, PitrEnvironment.Batches), batches.Keys);
            Assert.Equal(PitrEnvironment.Batches * PitrEnvironment.RowsPerBatch, batches.Values.Sum());
        }
        finally
        {
            await ArchivingCluster.StopAsync(dataDirectory);
        }
    }

    [Fact]
    public async Task Restore_with_a_segment_missing_from_every_target_fails_with_the_servers_reason()
    {
        // A copy of the archive without the segment of batch 1, local target only; the target is after batch 2.
        var (config, archive) = await env.CopyArchiveAsync("missing");
        var segment = env.BatchSegments[0];
        File.Delete(Path.Combine(archive, segment + ".bfa"));
        File.Delete(Path.Combine(archive, segment + ".json"));
        var dataDirectory = Path.Combine(env.Root, "restored-missing");
        try
        {
            var run = await Backupctl.RunAsync(RestoreArgs(env.CommittedBy[1].ToString("O", CultureInfo.InvariantCulture), dataDirectory, env.NextPort(), config));

            Assert.True(run.ExitCode == 1, run.ToString());
            var error = run.Json.GetProperty("error").GetString();
            Assert.Contains("stopped during recovery", error);
            Assert.Contains("recovery ended before configured recovery target was reached", error);
        }
        finally
        {
            await ArchivingCluster.StopAsync(dataDirectory);
        }
    }

    [Fact]
    public async Task Restore_to_latest_over_a_hole_in_the_archive_fails_instead_of_promoting_quietly_short()
    {
        // PostgreSQL takes the missing segment for the end of the archive and promotes; the later segments show the hole.
        var (config, archive) = await env.CopyArchiveAsync("hole");
        File.Delete(Path.Combine(archive, env.BatchSegments[1] + ".json"));
        var dataDirectory = Path.Combine(env.Root, "restored-hole");
        try
        {
            var run = await Backupctl.RunAsync([.. RestoreArgs("latest", dataDirectory, env.NextPort(), config), "--stop"]);

            Assert.True(run.ExitCode == 1, run.ToString());
            var error = run.Json.GetProperty("error").GetString();
            Assert.Contains("Recovery to latest ended before", error);
            Assert.Contains(env.BatchSegments[2], error);
        }
        finally
        {
            await ArchivingCluster.StopAsync(dataDirectory);
        }
    }

    [Fact]
    public async Task Restore_refuses_a_data_directory_that_is_not_empty()
    {
        var dataDirectory = Path.Combine(env.Root, "occupied");
        Directory.CreateDirectory(dataDirectory);
        await File.WriteAllTextAsync(Path.Combine(dataDirectory, "PG_VERSION"), "15\n");

        var run = await Backupctl.RunAsync(RestoreArgs("latest", dataDirectory, env.NextPort()));

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("is not empty", run.Json.GetProperty("error").GetString());
        Assert.Equal("15\n", await File.ReadAllTextAsync(Path.Combine(dataDirectory, "PG_VERSION")));
    }

    [Fact]
    public async Task Wal_push_again_is_a_success_and_different_bytes_under_an_archived_name_are_refused()
    {
        var (config, archive) = await env.CopyArchiveAsync("push");
        var segment = env.BatchSegments[1];
        var work = Directory.CreateTempSubdirectory("bf-pitr-push-").FullName;
        try
        {
            var fetched = Path.Combine(work, segment);
            var fetch = await Backupctl.RunAsync("wal", "fetch", "--config", config, "--cache-dir", Path.Combine(work, "cache"), segment, fetched);
            Assert.True(fetch.ExitCode == 0, fetch.ToString());
            var recordBefore = await File.ReadAllTextAsync(Path.Combine(archive, segment + ".json"));

            var again = await Backupctl.RunAsync("wal", "push", "--json", "--config", config, fetched);
            Assert.True(again.ExitCode == 0, again.ToString());
            Assert.Equal("alreadyArchived", again.Json.GetProperty("targets")[0].GetProperty("status").GetString());

            var bytes = await File.ReadAllBytesAsync(fetched);
            bytes[bytes.Length / 2] ^= 0xFF;
            await File.WriteAllBytesAsync(fetched, bytes);
            var conflict = await Backupctl.RunAsync("wal", "push", "--config", config, fetched);
            Assert.True(conflict.ExitCode == 1, conflict.ToString());
            Assert.Contains("NOT archived", conflict.Stderr);
            Assert.Contains("different", conflict.Stderr);
            Assert.Equal(recordBefore, await File.ReadAllTextAsync(Path.Combine(archive, segment + ".json")));
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    [Fact]
    public async Task Wal_fetch_says_not_archived_with_exit_1_and_stops_recovery_with_126_on_a_wrong_segment()
    {
        var (config, archive) = await env.CopyArchiveAsync("fetch");
        var work = Directory.CreateTempSubdirectory("bf-pitr-fetch-").FullName;
        try
        {
            var cache = Path.Combine(work, "cache");
            var missing = await Backupctl.RunAsync("wal", "fetch", "--config", config, "--cache-dir", cache, "0000000100000000000000FE", Path.Combine(work, "x"));
            Assert.True(missing.ExitCode == 1, missing.ToString());
            Assert.Equal("0000000100000000000000FE is not in the WAL archive.", missing.Stderr.Trim());
            var history = await Backupctl.RunAsync("wal", "fetch", "--config", config, "--cache-dir", cache, "00000009.history", Path.Combine(work, "h"));
            Assert.True(history.ExitCode == 1, history.ToString());
            Assert.Equal("", history.Stderr.Trim());
            Assert.False(File.Exists(Path.Combine(work, "x")));

            // Another segment's (valid, encrypted) artifact under this segment's name.
            var (wanted, other) = (env.BatchSegments[0], env.BatchSegments[1]);
            File.Copy(Path.Combine(archive, other + ".bfa"), Path.Combine(archive, wanted + ".bfa"), overwrite: true);
            var wrong = await Backupctl.RunAsync("wal", "fetch", "--config", config, "--cache-dir", cache, wanted, Path.Combine(work, wanted));
            Assert.True(wrong.ExitCode == 126, wrong.ToString());
            Assert.Contains($"{wanted} is archived but no target gave a good copy", wrong.Stderr);
            Assert.Contains("Recovery stops here", wrong.Stderr);
            Assert.False(File.Exists(Path.Combine(work, wanted)));
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    [Fact]
    public async Task Restore_refuses_a_base_manifest_altered_after_it_was_written_and_says_so()
    {
        var (config, archive) = await env.CopyArchiveAsync("tampered-base");
        var baseDir = Path.Combine(Path.GetDirectoryName(archive)!, "base");
        var manifestPath = Directory.EnumerateFiles(baseDir, "base-manifest.json", SearchOption.AllDirectories).Single();
        // An earlier start would make replay begin at the wrong place: the signature must catch it.
        var json = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(manifestPath))!;
        json["startLsn"] = "0/1000028";
        await File.WriteAllTextAsync(manifestPath, json.ToJsonString());
        var dataDirectory = Path.Combine(env.Root, "restored-tampered");
        try
        {
            var run = await Backupctl.RunAsync(RestoreArgs("latest", dataDirectory, env.NextPort(), config));

            Assert.True(run.ExitCode == 1, run.ToString());
            var error = run.Json.GetProperty("error").GetString();
            Assert.Contains("No usable base backup", error);
            Assert.Contains("does not match its signature", error);
            Assert.False(File.Exists(Path.Combine(dataDirectory, "PG_VERSION")));
        }
        finally
        {
            await ArchivingCluster.StopAsync(dataDirectory);
        }
    }

    [Fact]
    public async Task Wal_fetch_stops_recovery_on_a_record_altered_after_it_was_written()
    {
        var (config, archive) = await env.CopyArchiveAsync("tampered-wal");
        var segment = env.BatchSegments[0];
        var recordPath = Path.Combine(archive, segment + ".json");
        var json = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(recordPath))!;
        json["archivedAt"] = "2030-01-01T00:00:00+00:00";
        await File.WriteAllTextAsync(recordPath, json.ToJsonString());
        var work = Directory.CreateTempSubdirectory("bf-pitr-tampered-").FullName;
        try
        {
            var fetch = await Backupctl.RunAsync("wal", "fetch", "--config", config, "--cache-dir", Path.Combine(work, "cache"), segment, Path.Combine(work, segment));

            Assert.True(fetch.ExitCode == 126, fetch.ToString());
            Assert.Contains("does not match its signature", fetch.Stderr);
            Assert.False(File.Exists(Path.Combine(work, segment)));
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    [Fact]
    public async Task Wal_retention_lists_the_wal_before_the_base_backup_on_a_dry_run_and_deletes_only_that()
    {
        var (config, archive) = await env.CopyArchiveAsync("retention");
        var start = env.BaseBackup.Json.GetProperty("manifest").GetProperty("startWalFile").GetString()!;
        var before = Directory.GetFiles(archive).Order(StringComparer.Ordinal).ToList();

        var dry = await Backupctl.RunAsync("wal", "retention", "--dry-run", "--keep", "1", "--json", "--config", config);

        Assert.True(dry.ExitCode == 0, dry.ToString());
        var plan = dry.Json.GetProperty("targets")[0].GetProperty("plan");
        Assert.Equal(start, plan.GetProperty("walCutoff").GetString());
        var deletable = plan.GetProperty("deletableWalFiles").EnumerateArray().Select(f => f.GetString()!).ToList();
        Assert.NotEmpty(deletable);
        Assert.All(deletable, f => Assert.True(string.CompareOrdinal(f[..24], start) < 0, f));
        Assert.Equal(before, Directory.GetFiles(archive).Order(StringComparer.Ordinal).ToList());

        var applied = await Backupctl.RunAsync("wal", "retention", "--keep", "1", "--json", "--config", config);

        Assert.True(applied.ExitCode == 0, applied.ToString());
        Assert.Equal(deletable.Count, applied.Json.GetProperty("targets")[0].GetProperty("walFilesDeleted").GetInt32());
        var left = Directory.GetFiles(archive).Select(Path.GetFileName).ToList();
        Assert.All(deletable, f => Assert.DoesNotContain(f + ".json", left));
        Assert.All(env.BatchSegments, s => Assert.Contains(s + ".json", left));
        Assert.Contains(start + ".json", left);
    }

    [Fact]
    public void Base_backup_records_where_replay_starts()
    {
        Assert.True(env.BaseBackup.ExitCode == 0, env.BaseBackup.ToString());
        var manifest = env.BaseBackup.Json.GetProperty("manifest");
        Assert.Matches("^[0-9A-F]{24}$", manifest.GetProperty("startWalFile").GetString());
        Assert.Equal(1, manifest.GetProperty("timeline").GetInt32());
        Assert.Equal(["local", "s3"], manifest.GetProperty("targets").EnumerateArray().Select(t => t.GetString()));
        Assert.True(manifest.GetProperty("completedAt").GetDateTimeOffset() < env.CommittedBy[0]);
        var id = manifest.GetProperty("backupId").GetString()!;
        Assert.True(File.Exists(Path.Combine(env.LocalPath, "pitr", PitrEnvironment.Cluster, "base", id, "base-manifest.json")));
    }

    private string[] RestoreArgs(string pitr, string dataDirectory, int port, string? config = null)
    {
        var args = new List<string> { "restore", "--pitr", pitr, "--to-datadir", dataDirectory, "--port", port.ToString(CultureInfo.InvariantCulture),
            "--backupctl", PitrEnvironment.BackupctlCommand, "--timeout-minutes", "3", "--json", "--config", config ?? env.ConfigFile };
        if (ArchivingCluster.IsRoot) args.AddRange(["--run-as", "postgres"]);
        return [.. args];
    }
}
