using System.Collections.Concurrent;
using System.Diagnostics;
using BackupFunctions.Durable;
using Npgsql;

// Benchmarks for the durable engine against the real PostgreSQL from scripts/services.sh.
// A fresh database is created and dropped. All workers run in this process (see docs/benchmarks.md).
var admin = new NpgsqlConnectionStringBuilder
{
    Host = Env("BF_PG_HOST", "127.0.0.1"),
    Port = int.Parse(Env("BF_PG_PORT", "55432")),
    Username = Env("BF_PG_USER", "postgres"),
    Password = Env("BF_PG_PASSWORD", "postgres"),
    Database = "postgres",
    Pooling = false,
};
var syncCommit = true;
var dbName = "bench_durable_" + Guid.NewGuid().ToString("N")[..8];
await Exec(admin.ConnectionString, $"CREATE DATABASE {dbName}");
var cs = new NpgsqlConnectionStringBuilder(admin.ConnectionString) { Database = dbName, Pooling = true, MaxPoolSize = 50 }.ConnectionString;

try
{
    Console.WriteLine($"Durable engine benchmark, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, .NET {Environment.Version}");
    await FanOut("warm-up (ignored)", workers: 1, activities: 200, print: false);
    foreach (var durable in new[] { true, false })
    {
        syncCommit = durable;
        Console.WriteLine(durable
            ? "-- WorkerSynchronousCommit = true (default: every step and result waits for the WAL flush)"
            : "-- WorkerSynchronousCommit = false (steps and results commit asynchronously)");
        await FanOut("fan-out 1,000 activities, 1 worker", workers: 1, activities: 1000);
        await FanOut("fan-out 1,000 activities, 2 workers (one process)", workers: 2, activities: 1000);
        await Chain("sequential chain of 200 activities, 1 worker (unloaded dispatch latency)", 200);
        await Orchestrations("500 orchestrations of 1 activity each, started at once, 1 worker", 500);
    }
}
finally
{
    NpgsqlConnection.ClearAllPools();
    await Exec(admin.ConnectionString, $"DROP DATABASE IF EXISTS {dbName} WITH (FORCE)");
}

return 0;

DurableTaskOptions Options(string hub, string worker) => new()
{
    WorkerSynchronousCommit = syncCommit,
    ConnectionString = cs,
    TaskHubName = hub,
    WorkerId = worker,
    MaxConcurrentActivities = 100,
    MaxConcurrentOrchestrations = 8,
    LeaseTime = TimeSpan.FromSeconds(30),
};

DurableTaskRegistry Registry() => new DurableTaskRegistry()
    .AddActivityFunc<int, int>("Noop", (_, x) => Task.FromResult(x))
    .AddOrchestratorFunc<int, int>("FanOut", async (ctx, n) =>
        (await Task.WhenAll(Enumerable.Range(0, n).Select(i => ctx.CallActivityAsync<int>("Noop", i)))).Length)
    .AddOrchestratorFunc<int, int>("Chain", async (ctx, n) =>
    {
        for (var i = 0; i < n; i++)
        {
            await ctx.CallActivityAsync<int>("Noop", i);
        }

        return n;
    })
    .AddOrchestratorFunc<int, int>("One", async (ctx, x) => await ctx.CallActivityAsync<int>("Noop", x));

async Task<(List<DurableTaskWorker> Workers, DurableTaskClient Client, ConcurrentBag<double> Latencies)> Start(string hub, int count)
{
    var latencies = new ConcurrentBag<double>();
    var workers = new List<DurableTaskWorker>();
    for (var i = 0; i < count; i++)
    {
        var w = new DurableTaskWorker(Options(hub, $"bench-{i}"), Registry());
        w.OnActivityStarted = (scheduled, locked) => latencies.Add((locked - scheduled).TotalMilliseconds);
        await w.StartAsync(CancellationToken.None);
        workers.Add(w);
    }

    return (workers, new DurableTaskClient(Options(hub, "client")), latencies);
}

async Task Stop(List<DurableTaskWorker> workers, DurableTaskClient client)
{
    foreach (var w in workers)
    {
        await w.DisposeAsync();
    }

    await client.DisposeAsync();
}

async Task FanOut(string title, int workers, int activities, bool print = true)
{
    var hub = "b" + Guid.NewGuid().ToString("N")[..8];
    var (ws, client, lat) = await Start(hub, workers);
    var sw = Stopwatch.StartNew();
    var id = await client.ScheduleNewOrchestrationInstanceAsync("FanOut", activities);
    var done = await client.WaitForInstanceCompletionAsync(id, true);
    sw.Stop();
    if (done.RuntimeStatus != OrchestrationRuntimeStatus.Completed)
    {
        throw new InvalidOperationException($"{title}: {done.RuntimeStatus} {done.FailureDetails}");
    }

    if (print)
    {
        Console.WriteLine($"{title}: {activities / sw.Elapsed.TotalSeconds:N0} activities/s (start to completion {sw.Elapsed.TotalMilliseconds:N0} ms); " +
                          $"dispatch latency (scheduled -> activity start, includes queueing behind the burst) {Percentiles(lat)}");
    }

    await Stop(ws, client);
}

async Task Chain(string title, int n)
{
    var hub = "b" + Guid.NewGuid().ToString("N")[..8];
    var (ws, client, lat) = await Start(hub, 1);
    var sw = Stopwatch.StartNew();
    var id = await client.ScheduleNewOrchestrationInstanceAsync("Chain", n);
    await client.WaitForInstanceCompletionAsync(id);
    sw.Stop();
    Console.WriteLine($"{title}: {n / sw.Elapsed.TotalSeconds:N0} round trips/s (activity + orchestration step each); dispatch latency {Percentiles(lat)}");
    await Stop(ws, client);
}

async Task Orchestrations(string title, int n)
{
    var hub = "b" + Guid.NewGuid().ToString("N")[..8];
    var (ws, client, _) = await Start(hub, 1);
    var sw = Stopwatch.StartNew();
    var ids = await Task.WhenAll(Enumerable.Range(0, n).Select(i => client.ScheduleNewOrchestrationInstanceAsync("One", i)));
    var started = sw.Elapsed;
    // One status query per poll (not one per instance), so the client does not compete with the worker.
    while (true)
    {
        var page = await client.QueryInstancesAsync(new OrchestrationQuery { Statuses = [OrchestrationRuntimeStatus.Completed], PageSize = 1000 });
        if (page.Items.Count >= n)
        {
            break;
        }

        await Task.Delay(20);
    }

    sw.Stop();
    Console.WriteLine($"{title}: {n / sw.Elapsed.TotalSeconds:N0} orchestrations started and completed per second " +
                      $"({n / started.TotalSeconds:N0} starts/s; all done in {sw.Elapsed.TotalMilliseconds:N0} ms)");
    await Stop(ws, client);
}

static string Percentiles(ConcurrentBag<double> values)
{
    var sorted = values.Order().ToArray();
    if (sorted.Length == 0)
    {
        return "n/a";
    }

    double P(double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
    return $"p50 {P(0.50):N1} ms, p99 {P(0.99):N1} ms (n={sorted.Length})";
}

static async Task Exec(string cs, string sql)
{
    await using var conn = new NpgsqlConnection(cs);
    await conn.OpenAsync();
    await using var cmd = new NpgsqlCommand(sql, conn);
    await cmd.ExecuteNonQueryAsync();
}

static string Env(string name, string fallback) =>
    Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : fallback;
