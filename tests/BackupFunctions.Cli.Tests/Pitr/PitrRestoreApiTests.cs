using System.Globalization;
using System.Net;
using System.Text.Json;
using Npgsql;

namespace BackupFunctions.Cli.Tests.Pitr;

/// <summary>
/// Issue 15's PITR restore as a durable orchestration through the self-hosted host's API: POST /api/restores/pitr runs
/// PitrRestoreOrchestrator (choose, lay down, recovery settings, start and wait, verify) on the Durable Task Framework over
/// Azurite, against the WAL that the real <c>backupctl wal push</c> archived from a real PostgreSQL 15. Exactly the rows
/// committed by the target are there; bad requests are a 400 before anything starts; a missing segment fails the run
/// with the server's reason.
/// </summary>
public sealed class PitrRestoreApiTests(PitrApiEnvironment fixture) : IClassFixture<PitrApiEnvironment>
{
    private PitrEnvironment Env => fixture.Pitr;

    private PitrApiHost Host => fixture.Host;

    [Fact]
    public async Task A_restore_over_the_api_to_a_time_between_two_batches_holds_exactly_the_rows_committed_before_it()
    {
        var target = Env.CommittedBy[1];
        var port = Env.NextPort();
        var dataDirectory = Path.Combine(Host.RestoreRoot, "mid");
        try
        {
            var status = await Host.RunRestoreAsync(Body(target.ToString("O", CultureInfo.InvariantCulture), "mid", port));

            Assert.True(status.GetProperty("runtimeStatus").GetString() == "Completed", status.ToString());
            var output = status.GetProperty("output");
            Assert.Equal(2 * PitrEnvironment.RowsPerBatch, output.GetProperty("rowCounts").GetProperty("public.items").GetInt64());
            Assert.Equal(dataDirectory, output.GetProperty("dataDirectory").GetString());
            var lastReplay = output.GetProperty("lastReplayedTransaction").GetDateTimeOffset();
            Assert.True(lastReplay <= target && lastReplay >= Env.CommittedBy[0], $"last replayed {lastReplay:O}, target {target:O}");
            Assert.True(output.GetProperty("timeline").GetInt32() >= 2, output.ToString());
            Assert.Equal("done", status.GetProperty("customStatus").GetProperty("step").GetString());
            // The server is left running, promoted: exactly batches 1 and 2, and writable.
            var batches = await RestoredServer.BatchesAsync(port);
            Assert.Equal([1, 2], batches.Keys);
            Assert.All(batches.Values, n => Assert.Equal(PitrEnvironment.RowsPerBatch, n));
            await RestoredServer.ExecuteAsync(port, "INSERT INTO items (id, batch) VALUES (100000, 99)");
            Assert.False(Directory.Exists(dataDirectory + ".walcache"));
        }
        finally
        {
            await ArchivingCluster.StopAsync(dataDirectory);
        }
    }

    [Fact]
    public async Task A_restore_over_the_api_to_latest_replays_every_batch_and_stops_the_server_when_asked()
    {
        var dataDirectory = Path.Combine(Host.RestoreRoot, "latest");
        try
        {
            var status = await Host.RunRestoreAsync(Body("latest", "latest", Env.NextPort(), stopAfter: true));

            Assert.True(status.GetProperty("runtimeStatus").GetString() == "Completed", status.ToString());
            var output = status.GetProperty("output");
            Assert.Equal(PitrEnvironment.Batches * PitrEnvironment.RowsPerBatch, output.GetProperty("rowCounts").GetProperty("public.items").GetInt64());
            Assert.Equal(JsonValueKind.Null, output.GetProperty("targetTime").ValueKind);
            Assert.True(output.GetProperty("stopped").GetBoolean());
            Assert.False(File.Exists(Path.Combine(dataDirectory, "postmaster.pid")));
            Assert.True(File.Exists(Path.Combine(dataDirectory, "PG_VERSION")));
        }
        finally
        {
            await ArchivingCluster.StopAsync(dataDirectory);
        }
    }

    [Fact]
    public async Task Bad_requests_are_a_400_that_says_what_is_wrong_and_start_nothing()
    {
        var occupied = Path.Combine(Host.RestoreRoot, "occupied");
        Directory.CreateDirectory(occupied);
        await File.WriteAllTextAsync(Path.Combine(occupied, "PG_VERSION"), "15\n");
        using var admin = Host.Client(PitrApiHost.AdminKey);

        var cases = new (string Body, string Expected)[]
        {
            ("""{"dataDirectory":"no-time","port":5999}""", "targetTime is required"),
            ("""{"targetTime":"2026-11-24T10:15:00","dataDirectory":"no-offset","port":5999}""", "not a time with an offset"),
            ($$"""{"targetTime":"{{DateTimeOffset.UtcNow.AddDays(1):O}}","dataDirectory":"future","port":5999}""", "in the future"),
            ("""{"targetTime":"latest","dataDirectory":"../elsewhere","port":5999}""", "is not below BackupFunctions:Pitr:RestoreDirectory"),
            ("""{"targetTime":"latest","dataDirectory":"/tmp/anywhere","port":5999}""", "is not below BackupFunctions:Pitr:RestoreDirectory"),
            ("""{"targetTime":"latest","dataDirectory":"occupied","port":5999}""", "is not empty"),
            ("""{"targetTime":"latest","dataDirectory":"no-port"}""", "port is required"),
            ("""{"targetTime":"latest","dataDirectory":"other","port":5999,"cluster":"someone-else"}""", "cluster 'someone-else'"),
        };
        foreach (var (body, expected) in cases)
        {
            var response = await admin.PostAsync("/api/restores/pitr", PitrApiHost.Json(body));
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{body} → {response.StatusCode}: {text}");
            Assert.Contains(expected, text);
        }

        Assert.Equal("15\n", await File.ReadAllTextAsync(Path.Combine(occupied, "PG_VERSION")));
        // Nothing was created for any of them (the other tests of this class restore into the same root, under other names).
        Assert.All(new[] { "no-time", "no-offset", "future", "no-port", "other" },
            name => Assert.False(Directory.Exists(Path.Combine(Host.RestoreRoot, name)), name));
        Assert.Equal(["PG_VERSION"], Directory.EnumerateFileSystemEntries(occupied).Select(Path.GetFileName));
        Assert.False(Directory.Exists(Path.Combine(Env.Root, "elsewhere")));
    }

    [Fact]
    public async Task A_function_key_is_refused_with_403_and_no_key_with_401()
    {
        using var function = Host.Client(PitrApiHost.FunctionKey);
        using var anonymous = Host.Client(null);
        var body = Body("latest", "by-function-key", 5999);

        var withFunctionKey = await function.PostAsync("/api/restores/pitr", PitrApiHost.Json(body));
        var withoutKey = await anonymous.PostAsync("/api/restores/pitr", PitrApiHost.Json(body));

        Assert.Equal(HttpStatusCode.Forbidden, withFunctionKey.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, withoutKey.StatusCode);
        Assert.False(Directory.Exists(Path.Combine(Host.RestoreRoot, "by-function-key")));
    }

    [Fact]
    public async Task A_segment_missing_from_every_target_fails_the_run_at_the_recovery_step_with_the_servers_reason()
    {
        // A copy of the archive without batch 1's segment, served by a host of its own; the target is after batch 2.
        var (config, archive) = await Env.CopyArchiveAsync("api-missing");
        var segment = Env.BatchSegments[0];
        File.Delete(Path.Combine(archive, segment + ".bfa"));
        File.Delete(Path.Combine(archive, segment + ".json"));
        await using var host = await PitrApiHost.StartAsync(Env, config, Path.Combine(Env.Root, "api-restores-missing"));
        var dataDirectory = Path.Combine(host.RestoreRoot, "missing");
        try
        {
            var status = await host.RunRestoreAsync(Body(Env.CommittedBy[1].ToString("O", CultureInfo.InvariantCulture), "missing", Env.NextPort()));

            Assert.True(status.GetProperty("runtimeStatus").GetString() == "Failed", status.ToString());
            var text = status.ToString();
            Assert.Contains("step 4 (StartRecoveryServer)", text);
            Assert.Contains("stopped during recovery", text);
            Assert.Contains("recovery ended before configured recovery target was reached", text);
            var progress = status.GetProperty("customStatus");
            Assert.Equal("failed", progress.GetProperty("step").GetString());
            Assert.Equal(4, progress.GetProperty("number").GetInt32());
            // The data directory stays for inspection; the server is not running.
            Assert.True(File.Exists(Path.Combine(dataDirectory, "PG_VERSION")));
            Assert.False(File.Exists(Path.Combine(dataDirectory, "postmaster.pid")));
        }
        finally
        {
            await ArchivingCluster.StopAsync(dataDirectory);
        }
    }

    private static string Body(string targetTime, string dataDirectory, int port, bool stopAfter = false) => JsonSerializer.Serialize(new
    {
        targetTime,
        dataDirectory,
        port,
        stopAfter,
    });
}
