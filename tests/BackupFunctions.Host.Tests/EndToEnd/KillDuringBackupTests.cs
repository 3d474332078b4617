using System.Net;
using System.Text.Json;
using BackupFunctions.Host.Tests.Support;
using BackupFunctions.Testing;
using BackupFunctions.Targets;
using BackupFunctions.Workflows.Configuration;
using Npgsql;

namespace BackupFunctions.Host.Tests.EndToEnd;

/// <summary>
/// kill -9 of the shipped host, as a process over three real targets and a task hub on Azurite, while a backup is
/// dumping, uploading, verifying a copy, or waiting for the answer to a manifest put the store has already taken. A second process with the same settings takes the hub's partitions once the dead host's
/// leases run out, the killed activity's message comes back after its visibility timeout (10 s in tests), and the
/// same backup completes there: each target holds exactly that backup's artifact and manifest (puts never replace, so
/// the re-run dump first removes the unpublished artifact its killed run committed, and a re-run upload that finds its
/// own bytes counts as done), the catalog has it, and the staging directory is empty.
/// </summary>
public sealed class KillDuringBackupTests
{
    // Long enough that the S3 upload cannot finish before the kill; the second host runs without it.
    private static readonly TimeSpan SlowS3 = TimeSpan.FromSeconds(8);

    [Fact]
    public async Task A_backup_whose_host_is_killed_mid_upload_completes_on_a_new_host_without_duplicates_or_orphan_staging_files()
    {
        await using var scene = await Scene.CreateAsync("e2ekill", rows: 2000, s3ThroughProxy: true);
        var (targets, proxy, settings) = (scene.Targets, scene.Proxy!, scene.Settings);

        proxy.ResponseDelay = SlowS3;
        Killed killed;
        await using (var first = await HostProcess.StartAsync(settings, HostEntry.Product))
        {
            // Wait until the uploads are under way: the local copy (fast) is written and the slowed S3 one is
            // not. The copies stream while the dump activity runs (custom status "dump"); a copy that failed
            // there is uploaded by its own UploadArtifact call (status "upload", a call with no result yet).
            killed = await StartAndKillAsync(first, targets, s =>
                LocalArtifactWritten(targets) && (Step(s) == "dump" || (Step(s) == "upload" && UploadsInFlight(s) > 0)),
                "the backup to be uploading");
        }

        // The finished artifact was staged: under its final name, or under its live name while streamed copies still read it.
        Assert.Contains(killed.StagedAtKill.Select(Path.GetFileName), n => n == killed.BackupId + ".bfa" || n == killed.BackupId + ".bfa.partial");

        proxy.ResponseDelay = TimeSpan.Zero;
        await FinishOnASecondHostAsync(settings, targets, killed, expectedRows: 2000);
    }

    [Fact]
    public async Task A_backup_whose_host_is_killed_mid_dump_completes_on_a_new_host_without_duplicates_or_orphan_staging_files()
    {
        await using var scene = await Scene.CreateAsync("e2edmp", rows: 1500, s3ThroughProxy: false);
        var (source, targets, settings) = (scene.Source, scene.Targets, scene.Settings);

        // pg_dump waits for its ACCESS SHARE lock on items behind this transaction: the dump is running, and stays so.
        await using var locker = new NpgsqlConnection(TestServices.PgConnectionString(source.Name));
        await locker.OpenAsync();
        var hold = await locker.BeginTransactionAsync();
        await using (var lockTable = new NpgsqlCommand("LOCK TABLE items IN ACCESS EXCLUSIVE MODE", locker, hold))
        {
            await lockTable.ExecuteNonQueryAsync();
        }

        Killed killed;
        await using (var first = await HostProcess.StartAsync(settings, HostEntry.Product))
        {
            killed = await StartAndKillAsync(first, targets, s => Step(s) == "dump" && PgDumpWaitsForItems(source.Name),
                "pg_dump to be running (waiting for its lock on items)");
        }

        // Nothing was committed to any target before the kill.
        Assert.False(LocalArtifactWritten(targets), "the local target had a copy before the dump could end");
        await hold.CommitAsync();

        await FinishOnASecondHostAsync(settings, targets, killed, expectedRows: 1500);
    }

    [Fact]
    public async Task A_backup_whose_host_is_killed_mid_verify_completes_on_a_new_host_without_duplicates_or_orphan_staging_files()
    {
        await using var scene = await Scene.CreateAsync("e2evfy", rows: 1200, s3ThroughProxy: true);
        var (targets, proxy, settings) = (scene.Targets, scene.Proxy!, scene.Settings);

        // The S3 copy is stored, and its read-back (the verify's GET of the artifact) is answered only after the kill.
        proxy.DelayResponseWhen = line => line.StartsWith("GET ", StringComparison.Ordinal) && line.Contains("/artifact.bfa", StringComparison.Ordinal);
        Killed killed;
        await using (var first = await HostProcess.StartAsync(settings, HostEntry.Product))
        {
            killed = await StartAndKillAsync(first, targets, s => Step(s) == "upload" && proxy.DelayedResponses > 0,
                "the S3 copy to be read back by its verify");
        }

        proxy.DelayResponseWhen = null;
        await FinishOnASecondHostAsync(settings, targets, killed, expectedRows: 1200);
    }

    [Fact]
    public async Task A_backup_whose_host_is_killed_while_a_manifest_put_is_unanswered_completes_on_a_new_host_with_one_manifest_per_target()
    {
        await using var scene = await Scene.CreateAsync("e2emft", rows: 1100, s3ThroughProxy: true);
        var (targets, proxy, settings) = (scene.Targets, scene.Proxy!, scene.Settings);

        // The S3 server stores the manifest, and the host is killed before it hears so: the re-run put meets its own object.
        proxy.DelayResponseWhen = line => line.StartsWith("PUT ", StringComparison.Ordinal) && line.Contains("/manifest.json", StringComparison.Ordinal);
        Killed killed;
        await using (var first = await HostProcess.StartAsync(settings, HostEntry.Product))
        {
            killed = await StartAndKillAsync(first, targets, s => Step(s) == "manifest" && proxy.DelayedResponses > 0,
                "the S3 manifest put to be stored and unanswered");
        }

        proxy.DelayResponseWhen = null;
        await FinishOnASecondHostAsync(settings, targets, killed, expectedRows: 1100);
    }

    /// <summary>
    /// What every kill test starts from: a source database with <c>items</c>, a control database, the three real targets
    /// (S3 optionally behind a fault proxy), a task hub, and the host settings over them. Disposed in reverse order, so
    /// the proxy outlives the targets' clean-up, which goes through it.
    /// </summary>
    private sealed class Scene : IAsyncDisposable
    {
        private TempDatabase? control;
        private TestHub? hub;

        public required TempDatabase Source { get; init; }
        public RealTargets Targets { get; private set; } = null!;
        public FaultProxy? Proxy { get; private set; }
        public Dictionary<string, string?> Settings { get; private set; } = null!;

        public static async Task<Scene> CreateAsync(string prefix, int rows, bool s3ThroughProxy)
        {
            var scene = new Scene { Source = await TempDatabase.CreateAsync(prefix) };
            try
            {
                await scene.Source.ExecuteAsync(
                    $"CREATE TABLE items (id int PRIMARY KEY, name text); INSERT INTO items SELECT g, md5(g::text) FROM generate_series(1, {rows}) g;");
                scene.control = await TempDatabase.CreateAsync("e2ectl");
                scene.Proxy = s3ThroughProxy ? new FaultProxy(new Uri(TestServices.S3ServiceUrl)) : null;
                scene.Targets = await RealTargets.CreateAsync(scene.Source.Name);
                if (scene.Proxy is not null)
                {
                    scene.Targets.Options.Targets.Single(t => t.Name == RealTargets.S3).ServiceUrl = scene.Proxy.Url;
                }

                scene.hub = new TestHub();
                scene.Targets.Options.Retries = new WorkflowRetryOptions
                {
                    Attempts = 3, FirstInterval = TimeSpan.FromMilliseconds(200),
                    UploadAttempts = 3, UploadFirstInterval = TimeSpan.FromMilliseconds(200),
                };
                // HostSettings.For gives the hub 10 s leases and visibility timeouts, so the second host takes over in seconds.
                scene.Settings = HostSettings.For(scene.control.ConnectionString, scene.hub.Name, productWorkflows: true)
                    .WithOptions(scene.Targets.Options);
                return scene;
            }
            catch
            {
                await scene.DisposeAsync();
                throw;
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (hub is not null)
            {
                await hub.DisposeAsync();
            }

            if (Targets is not null)
            {
                await Targets.DisposeAsync();
            }

            if (Proxy is not null)
            {
                await Proxy.DisposeAsync();
            }

            if (control is not null)
            {
                await control.DisposeAsync();
            }

            await Source.DisposeAsync();
        }
    }

    private sealed record Killed(string InstanceId, string BackupId, string StatusPath, string[] StagedAtKill);

    /// <summary>Starts a full backup on <paramref name="host"/>, waits until <paramref name="killWhen"/> holds for its status, and kills the process.</summary>
    private static async Task<Killed> StartAndKillAsync(HostProcess host, RealTargets targets, Func<JsonElement, bool> killWhen, string what)
    {
        using var client = host.Client(TestKeys.Function);
        var started = await client.PostAsync("/api/backups", HttpJson.Body("""{"kind":"full"}"""));
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var payload = await started.JsonAsync();
        var instanceId = payload.Str("id");
        var statusUri = new Uri(payload.Str("statusQueryGetUri"));
        Assert.Contains(Uri.EscapeDataString(instanceId), statusUri.AbsolutePath);
        var statusPath = statusUri.PathAndQuery;

        var running = await WithOutputAsync(host, () => Polling.UntilAsync(
            async () =>
            {
                var response = await client.GetAsync(statusPath + (statusPath.Contains('?') ? "&" : "?") + "showHistory=true");
                return (response.StatusCode, Body: await response.JsonAsync());
            },
            s => s.StatusCode != HttpStatusCode.NotFound
                && (s.Body.Str("runtimeStatus") is not ("Running" or "Pending") || killWhen(s.Body)),
            what + " (or the backup to end)"));
        Assert.True(running.Body.Str("runtimeStatus") == "Running", $"the backup was to be running at the kill: {running.Body}\n{Tail(host)}");
        Assert.Equal(HttpStatusCode.Accepted, running.StatusCode);
        var backupId = running.Body.GetProperty("customStatus").Str("backupId");
        var staged = StagingFiles(targets);

        host.Kill();
        Assert.True(host.ExitCode is not (null or 0), $"the first host was to be killed, but its exit code is {host.ExitCode}");
        return new Killed(instanceId, backupId, statusPath, staged);
    }

    private static async Task FinishOnASecondHostAsync(Dictionary<string, string?> settings, RealTargets targets, Killed killed, long expectedRows)
    {
        await using var second = await HostProcess.StartAsync(settings, HostEntry.Product);
        using var client = second.Client(TestKeys.Function);
        var done = await WithOutputAsync(second, () => Polling.UntilAsync(
            async () =>
            {
                var response = await client.GetAsync(killed.StatusPath);
                var body = await response.JsonAsync();
                Assert.Equal(body.Str("runtimeStatus") is "Running" or "Pending" ? HttpStatusCode.Accepted : HttpStatusCode.OK, response.StatusCode);
                return body;
            },
            s => s.Str("runtimeStatus") is "Completed" or "Failed" or "Terminated",
            "the backup to finish on the second host",
            maxSeconds: 120));

        Assert.True(done.Str("runtimeStatus") == "Completed", $"backup ended as {done}\n{Tail(second)}");
        Assert.Equal(killed.InstanceId, done.Str("instanceId"));
        var output = done.GetProperty("output");
        Assert.True(output.Str("status") == "Succeeded", $"backup output: {output}\n{Tail(second)}");
        Assert.Equal(killed.BackupId, output.Str("backupId"));
        var copies = output.GetProperty("copies").EnumerateArray().ToList();
        Assert.Equal([RealTargets.Azure, RealTargets.Local, RealTargets.S3], copies.Select(c => c.Str("target")).Order());
        Assert.All(copies, c => Assert.True(c.GetProperty("verified").GetBoolean(), $"copy not verified: {c}"));

        // Each target holds this backup's artifact and manifest, once, and nothing of any other backup.
        foreach (var options in targets.Options.Targets)
        {
            var keys = await ListAsync(options);
            Assert.True(keys.Count == 2, $"{options.Name} holds [{string.Join(", ", keys)}]; expected one artifact and one manifest");
            Assert.Single(keys, k => k.EndsWith($"/{killed.BackupId}/artifact.bfa", StringComparison.Ordinal));
            Assert.Single(keys, k => k.EndsWith($"/{killed.BackupId}/manifest.json", StringComparison.Ordinal));
        }

        // No half-written file in the local target (its puts write a temporary file first) and nothing in staging.
        var localFiles = Directory.EnumerateFiles(LocalPath(targets), "*", SearchOption.AllDirectories).Select(Path.GetFileName).ToList();
        Assert.True(localFiles.Count == 2, $"local target files: [{string.Join(", ", localFiles)}]");
        var staging = StagingFiles(targets);
        Assert.True(staging.Length == 0, $"staging holds [{string.Join(", ", staging)}]");

        var row = await client.GetAsync($"/api/backups/{Uri.EscapeDataString(killed.BackupId)}");
        Assert.Equal(HttpStatusCode.OK, row.StatusCode);
        var backup = await row.JsonAsync();
        Assert.Equal("Succeeded", backup.Str("status"));
        var catalogCopies = backup.GetProperty("copies").EnumerateArray().ToList();
        Assert.Equal([RealTargets.Azure, RealTargets.Local, RealTargets.S3], catalogCopies.Select(c => c.Str("target")).Order());
        Assert.All(catalogCopies, c => Assert.True(c.GetProperty("verified").GetBoolean(), $"catalog copy not verified: {c}"));
        Assert.Equal(expectedRows, backup.GetProperty("rowCounts").EnumerateObject().Single(p => p.Name.EndsWith("items", StringComparison.Ordinal)).Value.GetInt64());
    }

    private static string? Step(JsonElement status) =>
        status.TryGetProperty("customStatus", out var c) && c.ValueKind == JsonValueKind.Object && c.TryGetProperty("step", out var s)
            ? s.GetString()
            : null;

    /// <summary>UploadArtifact calls scheduled and not answered yet (the history view keeps those as TaskScheduled).</summary>
    private static int UploadsInFlight(JsonElement status) =>
        status.TryGetProperty("historyEvents", out var events)
            ? events.EnumerateArray().Count(e => e.Str("EventType") == "TaskScheduled" && e.Str("FunctionName") == "UploadArtifact")
            : 0;

    /// <summary>Whether a session in <paramref name="database"/> (pg_dump's) waits for a lock on a LOCK TABLE.</summary>
    private static bool PgDumpWaitsForItems(string database)
    {
        using var connection = new NpgsqlConnection(TestServices.PgConnectionString());
        connection.Open();
        using var command = new NpgsqlCommand(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = @db AND wait_event_type = 'Lock' AND query LIKE 'LOCK TABLE%'", connection);
        command.Parameters.AddWithValue("db", database);
        return (long)command.ExecuteScalar()! > 0;
    }

    private static string LocalPath(RealTargets targets) => targets.Options.Targets.Single(t => t.Name == RealTargets.Local).Path!;

    private static bool LocalArtifactWritten(RealTargets targets) =>
        Directory.Exists(LocalPath(targets))
        && Directory.EnumerateFiles(LocalPath(targets), "artifact.bfa", SearchOption.AllDirectories).Any();

    private static string[] StagingFiles(RealTargets targets) =>
        Directory.Exists(targets.Options.StagingDirectory)
            // The shared lock every process holds on the staging directory stays by design; anything else is a leftover.
            ? Directory.GetFileSystemEntries(targets.Options.StagingDirectory, "*", SearchOption.AllDirectories)
                .Where(p => Path.GetFileName(p) != BackupFunctions.Workflows.Staging.StagingArea.LockFileName).ToArray()
            : [];

    private static async Task<List<string>> ListAsync(TargetOptions options)
    {
        var target = BackupTargetFactory.Create(options);
        try
        {
            var keys = new List<string>();
            await foreach (var obj in target.ListAsync(""))
            {
                keys.Add(obj.Key);
            }

            return keys;
        }
        finally
        {
            (target as IDisposable)?.Dispose();
        }
    }

    /// <summary>A wait that gives up says what the host was logging.</summary>
    private static async Task<T> WithOutputAsync<T>(HostProcess host, Func<Task<T>> wait)
    {
        try
        {
            return await wait();
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException(e.Message + "\n" + Tail(host), e);
        }
    }

    private static string Tail(HostProcess host) => "host output (last lines):\n" + string.Join("\n", host.Output.TakeLast(40));
}
