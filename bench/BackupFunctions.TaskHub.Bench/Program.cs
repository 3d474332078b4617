using System.Diagnostics;
using System.Globalization;
using BackupFunctions.TaskHub.Bench;
using BackupFunctions.Host.TaskHub;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

// The self-hosted engine on Azurite (issue 11's benchmarks): a fan-out, a chain and a burst of short orchestrations,
// with one host process and with two (the second is this program in "worker" mode, on the same task hub), with the
// host's default settings and with the tuning levers of docs/durable-engine.md. Prints a Markdown table; asserts
// nothing. Every case gets a task hub of its own, deleted afterwards.
//
//   BackupFunctions.TaskHub.Bench [--plan main|levers|all (main)] [--fanout 1000] [--chain 50] [--chains 2] [--burst 200]
//                                 [--small-fanout 200] [--small-chains 1] [--small-burst 100] (the lever cases)
//                                 [--timeout-s 300] [--case "name=x;hosts=2;polling-ms=100;max-activities=100;scenarios=fanout,chain"]...
//   BackupFunctions.TaskHub.Bench worker --hub NAME --worker-id ID [--partitions N --polling-ms N ...]
if (args.Length > 0 && args[0] == "worker")
{
    return await BenchHost.RunWorkerAsync(ParseOptions(args.Skip(1)).Options);
}

var (options, caseSpecs) = ParseOptions(args);
int Opt(string key, int fallback) => options.TryGetValue(key, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
var fanout = Opt("fanout", 1000);
var chain = Opt("chain", 50);
var chains = Opt("chains", 2);
var burst = Opt("burst", 200);
// The lever cases (settings varied one at a time) run smaller workloads, so a whole run stays near ten minutes.
var smallFanout = Opt("small-fanout", 200);
var smallChains = Opt("small-chains", 1);
var smallBurst = Opt("small-burst", 100);
var timeout = TimeSpan.FromSeconds(Opt("timeout-s", 300));
var plan = options.GetValueOrDefault("plan", "main");

var cases = caseSpecs.Count > 0 ? caseSpecs.Select(ParseCase).ToList() : Plan(plan);
var runId = DateTime.UtcNow.ToString("MMddHHmmss", CultureInfo.InvariantCulture);
var rows = new List<Row>();
var hubsToDelete = new List<TaskHubSettings>();
var total = Stopwatch.StartNew();
Console.Error.WriteLine($"{cases.Count} cases, {Environment.ProcessorCount} cores, load average {LoadAverage()}; fan-out {fanout}, chain {chains} × {chain}, burst {burst}");
for (var i = 0; i < cases.Count; i++)
{
    try
    {
        rows.AddRange(await RunCaseAsync(cases[i], i));
    }
    catch (Exception ex) when (ex is not OutOfMemoryException)
    {
        // A case that cannot start (a second host that does not come up, Azurite gone) is a row, not the end of the run.
        Console.Error.WriteLine($"    case {cases[i].Name} failed: {ex}");
        rows.Add(new Row("(case)", cases[i].Hosts, cases[i].Name, "**Failed**", ex.Message.ReplaceLineEndings(" "), LoadAverage()));
    }
}

foreach (var settings in hubsToDelete)
{
    try
    {
        using var service = AzureStorageTaskHub.Create(settings, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
        await service.DeleteAsync();
    }
    catch (Exception ex) when (ex is not OutOfMemoryException)
    {
        Console.Error.WriteLine($"could not delete hub {settings.HubName}: {ex.Message}");
    }
}

Console.Out.WriteLine();
Console.Out.WriteLine($"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, .NET {Environment.Version}, whole run {total.Elapsed.TotalSeconds:F0} s, load average at the end {LoadAverage()}");
Console.Out.WriteLine();
Console.Out.WriteLine("| scenario | hosts | settings | result | where the time goes | load average (1/5/15 min); Azurite round trip p50 |");
Console.Out.WriteLine("|---|---:|---|---|---|---|");
foreach (var r in rows)
{
    Console.Out.WriteLine($"| {r.Scenario} | {r.Hosts} | {r.Settings} | {r.Result} | {r.Detail} | {r.Load} |");
}

return rows.Any(r => r.Result.Contains("timed out", StringComparison.Ordinal) || r.Result.Contains("Failed", StringComparison.Ordinal)) ? 1 : 0;

async Task<List<Row>> RunCaseAsync(BenchCase c, int index)
{
    var hub = $"tb{runId}c{index}";
    var connectionString = BenchHost.ConnectionString();
    var sw = Stopwatch.StartNew();
    var load = LoadAverage();
    Console.Error.WriteLine($"--- case {index + 1}/{cases.Count} {c.Name}: {c.Hosts} host(s), {c.Config.Label}; hub {hub}; load {load}");
    var names = new Dictionary<int, string> { [Environment.ProcessId] = "host 1" };
    var result = new List<Row>();
    using var host1 = BenchHost.Build(c.Config, c.Config.ToSettings(hub, connectionString, $"h1-{runId}-{index}"));
    await host1.StartAsync();
    WorkerProcess? worker = null;
    try
    {
        if (c.Hosts == 2)
        {
            worker = await WorkerProcess.StartAsync(c.Config, hub, $"h2-{runId}-{index}", TimeSpan.FromSeconds(120));
            names[worker.Pid] = "host 2";
            var balance = await BenchHost.WaitForBalanceAsync(hub, c.Config.Partitions, 2, TimeSpan.FromSeconds(60));
            Console.Error.WriteLine($"    partitions: {balance}");
        }

        var scenarios = new Scenarios(host1.Services.GetRequiredService<DurableTaskClient>(), hub, timeout,
            pid => names.GetValueOrDefault(pid, $"pid {pid}"));

        // Warm-up: the first orchestration of a process pays for JIT and connections (seconds), in both hosts.
        await scenarios.FanOutAsync($"{hub}-warm-fanout", 20);
        await scenarios.ChainAsync($"{hub}-warm-chain", 3, 1);
        await scenarios.BurstAsync($"{hub}-warm-short", 8);
        var probe = await BenchHost.ProbeStorageAsync(hub);
        Console.Error.WriteLine($"    ready and warm after {sw.Elapsed.TotalSeconds:F1} s; one Azurite round trip (p50) {probe:F1} ms");

        var (nFanout, nChains, nBurst) = c.Small ? (smallFanout, smallChains, smallBurst) : (fanout, chains, burst);
        var azurite = Cpu.FindAzurite();
        foreach (var scenario in c.Scenarios)
        {
            var before = LoadAverage();
            var pids = names.Keys.Append(azurite).Where(p => p != 0).ToArray();
            var cpu0 = pids.Select(Cpu.Seconds).ToArray();
            var wall = Stopwatch.StartNew();
            var (label, (headline, detail)) = scenario switch
            {
                "fanout" => ($"fan-out of {nFanout:N0} activities", await scenarios.FanOutAsync($"{hub}-fanout", nFanout)),
                "chain" => ($"chain of {chain} activities", await scenarios.ChainAsync($"{hub}-chain", chain, nChains)),
                "burst" => ($"{nBurst} orchestrations (1 activity each) started at once", await scenarios.BurstAsync($"{hub}-short", nBurst)),
                _ => throw new ArgumentException($"unknown scenario {scenario}"),
            };
            var cpu = string.Join(", ", pids.Select((p, k) => $"{names.GetValueOrDefault(p, "Azurite")} {Cpu.Seconds(p) - cpu0[k]:F1}"));
            detail += $"; CPU s over {wall.Elapsed.TotalSeconds:F0} s: {cpu}";
            var row = new Row(label, c.Hosts, c.Name, headline, detail, $"{before} → {LoadAverage()}; storage round trip {probe:F0} ms");
            Console.Error.WriteLine($"    {row.Scenario}: {row.Result} — {row.Detail}");
            result.Add(row);
        }
    }
    finally
    {
        if (worker is not null)
        {
            await worker.DisposeAsync();
        }

        using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(40)))
        {
            await host1.StopAsync(cts.Token);
        }

        // Deleted at the end of the run, not here: the stopped backend's partition manager goes on until it has
        // released its leases in the partitions table, and deleting the table under it keeps it retrying.
        hubsToDelete.Add(c.Config.ToSettings(hub, connectionString, "bench-cleanup"));

        Console.Error.WriteLine($"    case took {sw.Elapsed.TotalSeconds:F0} s");
    }

    return result;
}

List<BenchCase> Plan(string which)
{
    var d = HubConfig.Defaults;
    // "tuned": the two levers that move these workloads (see the levers plan), everything else as the host's defaults.
    var tuned = d with { PollingMs = 100, MaxActivities = 100 };
    // The fan-out last: one that times out leaves a thousand messages behind, which would slow what runs after it.
    string[] all = ["chain", "burst", "fanout"];
    string[] fc = ["chain", "fanout"];
    var main = new List<BenchCase>
    {
        new("tuned: polling ≤ 100 ms, 100 activities", 1, tuned, all),
        new("tuned: polling ≤ 100 ms, 100 activities", 2, tuned, all),
    };

    // One setting at a time, on smaller workloads (a fan-out of 200, one chain, a burst of 100; the partition count
    // on the full burst, the only workload with more than one orchestration at a time).
    var levers = new List<BenchCase>
    {
        new("host defaults", 1, d, fc, Small: true),
        new("host defaults", 2, d, all, Small: true),
        new("defaults + polling ≤ 100 ms", 1, d with { PollingMs = 100 }, fc, Small: true),
        new("defaults + 100 activities", 1, d with { MaxActivities = 100 }, fc, Small: true),
        new("tuned", 1, tuned, fc, Small: true),
        new("tuned + extended sessions", 1, tuned with { ExtendedSessions = true }, fc, Small: true),
        new("tuned + polling ≤ 50 ms (the backend's floor)", 2, tuned with { PollingMs = 50 }, ["chain"], Small: true),
        new("tuned + 1 partition", 2, tuned with { Partitions = 1 }, ["burst"]),
        new("tuned + 16 partitions", 2, tuned with { Partitions = 16 }, ["burst"]),
    };
    return which switch
    {
        "main" => main,
        "levers" => levers,
        "all" => [.. main, .. levers],
        _ => throw new ArgumentException($"--plan must be main, levers or all (was {which})"),
    };
}

static BenchCase ParseCase(string spec)
{
    var kv = spec.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "true");
    var config = HubConfig.Parse(kv, HubConfig.Defaults);
    return new BenchCase(kv.GetValueOrDefault("name", config.Label), int.Parse(kv.GetValueOrDefault("hosts", "1"), CultureInfo.InvariantCulture),
        config, kv.GetValueOrDefault("scenarios", "chain,burst,fanout").Split(','), kv.ContainsKey("small"));
}

static (Dictionary<string, string> Options, List<string> Cases) ParseOptions(IEnumerable<string> args)
{
    var options = new Dictionary<string, string>();
    var cases = new List<string>();
    string? key = null;
    foreach (var a in args)
    {
        if (a.StartsWith("--", StringComparison.Ordinal))
        {
            key = a[2..];
        }
        else if (key is not null)
        {
            if (key == "case")
            {
                cases.Add(a);
            }
            else
            {
                options[key] = a;
            }

            key = null;
        }
    }

    return (options, cases);
}

static string LoadAverage()
{
    try
    {
        return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
    }
    catch (IOException)
    {
        return "?";
    }
}

internal sealed record BenchCase(string Name, int Hosts, HubConfig Config, string[] Scenarios, bool Small = false);
