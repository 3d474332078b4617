using BackupFunctions.Durable;

// Usage: dotnet BackupFunctions.Durable.TestWorker.dll <connection string> <task hub> <worker id>
// Runs a worker (no generic host) until stdin closes, then stops gracefully.
if (args.Length < 3)
{
    Console.Error.WriteLine("usage: <connection string> <task hub> <worker id>");
    return 2;
}

var options = new DurableTaskOptions
{
    ConnectionString = args[0],
    TaskHubName = args[1],
    WorkerId = args[2],
    LeaseTime = TimeSpan.FromSeconds(2),
    PollFallbackInterval = TimeSpan.FromMilliseconds(500),
    MaxConcurrentActivities = 4,
};

var registry = new DurableTaskRegistry()
    .AddActivityFunc<int, int>("SlowSquare", async (ctx, x) =>
    {
        await Task.Delay(300, ctx.CancellationToken);
        return x * x;
    })
    .AddOrchestratorFunc<int, long>("CrashFanOut", async (ctx, n) =>
    {
        var results = await Task.WhenAll(Enumerable.Range(1, n).Select(i => ctx.CallActivityAsync<int>("SlowSquare", i)));
        return results.Sum(r => (long)r);
    });

await using var worker = new DurableTaskWorker(options, registry);
await worker.StartAsync(CancellationToken.None);
Console.WriteLine("ready");
await Console.In.ReadToEndAsync();
await worker.StopAsync(CancellationToken.None);
return 0;
