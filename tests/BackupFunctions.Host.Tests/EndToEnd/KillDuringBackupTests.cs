using System.Net;
using System.Text.Json;
using BackupFunctions.Host.Tests.Support;
using BackupFunctions.Testing;
using BackupFunctions.Targets;
using BackupFunctions.Workflows.Configuration;

namespace BackupFunctions.Host.Tests.EndToEnd;

/// <summary>
/// kill -9 of the host while a backup is uploading: the shipped host runs as a process over three real targets,
/// with S3 behind a proxy that holds each answer back, so the S3 upload is still in flight when the process is
/// killed. A second process with the same settings takes the instance over once the lease has run out, and the same
/// backup completes: each target holds exactly that backup's artifact and manifest (the retried upload overwrote its
/// own object), and the staging directory is empty.
/// </summary>
public sealed class KillDuringUploadTests
{
    // Long enough that the S3 upload cannot finish before the kill; the second host runs without it.
    private static readonly TimeSpan SlowS3 = TimeSpan.FromSeconds(8);

    [Fact]
    public async Task A_backup_whose_host_is_killed_mid_upload_completes_on_a_new_host_without_duplicates_or_orphan_staging_files()
    {
        await using var source = await TempDatabase.CreateAsync("e2ekill");
        await source.ExecuteAsync("CREATE TABLE items (id int PRIMARY KEY, name text); INSERT INTO items SELECT g, md5(g::text) FROM generate_series(1, 2000) g;");
        await using var control = await TempDatabase.CreateAsync("e2ectl");
        // Declared before the targets so it outlives their clean-up, which goes through it.
        await using var proxy = new FaultProxy(new Uri(TestServices.S3ServiceUrl));
        await using var targets = await RealTargets.CreateAsync(source.Name);
        targets.Options.Targets.Single(t => t.Name == RealTargets.S3).ServiceUrl = proxy.Url;
        targets.Options.Retries = new WorkflowRetryOptions
        {
            Attempts = 3, FirstInterval = TimeSpan.FromMilliseconds(200),
            UploadAttempts = 3, UploadFirstInterval = TimeSpan.FromMilliseconds(200),
        };
        var settings = HostSettings.For(control.ConnectionString, HostSettings.NewHub(), productWorkflows: true)
            .WithOptions(targets.Options)
            .With("BackupFunctions:Host:Durable:LeaseTime", "00:00:03");

        proxy.ResponseDelay = SlowS3;
        string instanceId, backupId, statusPath;
        string[] stagedAtKill;
        int? killedExitCode;
        var first = await HostProcess.StartAsync(settings, HostEntry.Product);
        await using (first)
        {
            using var client = first.Client(TestKeys.Function);
            var started = await client.PostAsync("/api/backups", HttpJson.Body("""{"kind":"full"}"""));
            Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
            var payload = await started.JsonAsync();
            instanceId = payload.Str("id");
            var statusUri = new Uri(payload.Str("statusQueryGetUri"));
            Assert.Contains(Uri.EscapeDataString(instanceId), statusUri.AbsolutePath);
            statusPath = statusUri.PathAndQuery;

            // Wait until the uploads are under way: the local copy (fast) is written and the slowed S3 one is
            // not. The copies stream while the dump activity runs (custom status "dump"); a copy that failed
            // there is uploaded by its own UploadArtifact call (status "upload", a call with no result yet).
            var running = await WithOutputAsync(first, () => Polling.UntilAsync(
                async () =>
                {
                    var response = await client.GetAsync(statusPath + (statusPath.Contains('?') ? "&" : "?") + "showHistory=true");
                    return (response.StatusCode, Body: await response.JsonAsync());
                },
                s => s.Body.Str("runtimeStatus") is not ("Running" or "Pending")
                    || (LocalArtifactWritten(targets) && (Step(s.Body) == "dump" || (Step(s.Body) == "upload" && UploadsInFlight(s.Body) > 0))),
                "the backup to be uploading (or to end)"));
            Assert.True(running.Body.Str("runtimeStatus") == "Running", $"the backup was to be running at the kill: {running.Body}\n{Tail(first)}");
            Assert.Equal(HttpStatusCode.Accepted, running.StatusCode);
            backupId = running.Body.GetProperty("customStatus").Str("backupId");
            stagedAtKill = StagingFiles(targets);

            first.Kill();
            killedExitCode = first.ExitCode;
        }

        Assert.True(killedExitCode is not (null or 0), $"the first host was to be killed, but its exit code is {killedExitCode}");
        Assert.Contains(backupId + ".bfa", stagedAtKill.Select(Path.GetFileName));

        proxy.ResponseDelay = TimeSpan.Zero;
        await using var second = await HostProcess.StartAsync(settings, HostEntry.Product);
        using var client2 = second.Client(TestKeys.Function);
        var done = await WithOutputAsync(second, () => Polling.UntilAsync(
            async () =>
            {
                var response = await client2.GetAsync(statusPath);
                var body = await response.JsonAsync();
                if (body.Str("runtimeStatus") is "Running" or "Pending")
                {
                    Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
                }
                else
                {
                    Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                }

                return body;
            },
            s => s.Str("runtimeStatus") is "Completed" or "Failed" or "Terminated",
            "the backup to finish on the second host",
            maxSeconds: 120));

        Assert.True(done.Str("runtimeStatus") == "Completed", $"backup ended as {done}\n{Tail(second)}");
        Assert.Equal(instanceId, done.Str("instanceId"));
        var output = done.GetProperty("output");
        Assert.Equal("Succeeded", output.Str("status"));
        Assert.Equal(backupId, output.Str("backupId"));
        var copies = output.GetProperty("copies").EnumerateArray().ToList();
        Assert.Equal([RealTargets.Azure, RealTargets.Local, RealTargets.S3], copies.Select(c => c.Str("target")).Order());
        Assert.All(copies, c => Assert.True(c.GetProperty("verified").GetBoolean(), $"copy not verified: {c}"));

        // Each target holds this backup's artifact and manifest, once, and nothing of any other backup.
        foreach (var options in targets.Options.Targets)
        {
            var keys = await ListAsync(options);
            Assert.True(keys.Count == 2, $"{options.Name} holds [{string.Join(", ", keys)}]; expected one artifact and one manifest");
            Assert.Single(keys, k => k.EndsWith($"/{backupId}/artifact.bfa", StringComparison.Ordinal));
            Assert.Single(keys, k => k.EndsWith($"/{backupId}/manifest.json", StringComparison.Ordinal));
        }

        // No half-written file in the local target (its puts write a temporary file first) and nothing in staging.
        var localFiles = Directory.EnumerateFiles(LocalPath(targets), "*", SearchOption.AllDirectories).Select(Path.GetFileName).ToList();
        Assert.True(localFiles.Count == 2, $"local target files: [{string.Join(", ", localFiles)}]");
        var staging = StagingFiles(targets);
        Assert.True(staging.Length == 0, $"staging holds [{string.Join(", ", staging)}]");

        var row = await client2.GetAsync($"/api/backups/{Uri.EscapeDataString(backupId)}");
        Assert.Equal(HttpStatusCode.OK, row.StatusCode);
        var backup = await row.JsonAsync();
        Assert.Equal("Succeeded", backup.Str("status"));
        var catalogCopies = backup.GetProperty("copies").EnumerateArray().ToList();
        Assert.Equal([RealTargets.Azure, RealTargets.Local, RealTargets.S3], catalogCopies.Select(c => c.Str("target")).Order());
        Assert.All(catalogCopies, c => Assert.True(c.GetProperty("verified").GetBoolean(), $"catalog copy not verified: {c}"));
        Assert.Equal(2000, backup.GetProperty("rowCounts").EnumerateObject().Single(p => p.Name.EndsWith("items", StringComparison.Ordinal)).Value.GetInt64());
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

    private static string LocalPath(RealTargets targets) => targets.Options.Targets.Single(t => t.Name == RealTargets.Local).Path!;

    private static bool LocalArtifactWritten(RealTargets targets) =>
        Directory.Exists(LocalPath(targets))
        && Directory.EnumerateFiles(LocalPath(targets), "artifact.bfa", SearchOption.AllDirectories).Any();

    private static string[] StagingFiles(RealTargets targets) =>
        Directory.Exists(targets.Options.StagingDirectory)
            ? Directory.GetFileSystemEntries(targets.Options.StagingDirectory, "*", SearchOption.AllDirectories)
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
