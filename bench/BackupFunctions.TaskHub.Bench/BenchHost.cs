using System.Diagnostics;
using Azure.Data.Tables;
using BackupFunctions.Host.TaskHub;
using DurableTask.AzureStorage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BackupFunctions.TaskHub.Bench;

/// <summary>The settings one measured configuration runs with: every host process of it uses the same.</summary>
public sealed record HubConfig(int Partitions, int PollingMs, int MaxActivities, int MaxOrchestrations, bool ExtendedSessions)
{
    /// <summary>The host's own defaults (TaskHubSettings), what a user gets without tuning.</summary>
    public static HubConfig Defaults { get; } = FromSettings(new TaskHubSettings());

    private static HubConfig FromSettings(TaskHubSettings s) =>
        new(s.PartitionCount, (int)s.MaxQueuePollingInterval.TotalMilliseconds, s.MaxConcurrentActivities, s.MaxConcurrentOrchestrations, false);

    public string Label =>
        $"partitions {Partitions}, polling ≤ {PollingMs} ms, activities {MaxActivities}, orchestrations {MaxOrchestrations}" +
        (ExtendedSessions ? ", extended sessions" : "");

    public string[] ToArgs() =>
    [
        "--partitions", Partitions.ToString(), "--polling-ms", PollingMs.ToString(), "--max-activities", MaxActivities.ToString(),
        "--max-orchestrations", MaxOrchestrations.ToString(), "--extended-sessions", ExtendedSessions ? "true" : "false",
    ];

    public static HubConfig Parse(IReadOnlyDictionary<string, string> options, HubConfig start) => new(
        options.TryGetValue("partitions", out var p) ? int.Parse(p) : start.Partitions,
        options.TryGetValue("polling-ms", out var q) ? int.Parse(q) : start.PollingMs,
        options.TryGetValue("max-activities", out var a) ? int.Parse(a) : start.MaxActivities,
        options.TryGetValue("max-orchestrations", out var o) ? int.Parse(o) : start.MaxOrchestrations,
        options.TryGetValue("extended-sessions", out var x) ? bool.Parse(x) : start.ExtendedSessions);

    public TaskHubSettings ToSettings(string hub, string connectionString, string workerId)
    {
        var settings = new TaskHubSettings
        {
            HubName = hub,
            ConnectionString = connectionString,
            PartitionCount = Partitions,
            MaxQueuePollingInterval = TimeSpan.FromMilliseconds(PollingMs),
            // The host's lease length and renewal (a lease lost under load moves a partition, and its orchestrations,
            // to the other host mid-flight); only the acquire loop runs every 2 s instead of 10, so a second host
            // takes its share of the partitions within seconds of starting. The table partition manager renews
            // on that same loop, so this only makes the lease safer.
            LeaseInterval = TimeSpan.FromSeconds(30),
            LeaseRenewInterval = TimeSpan.FromSeconds(10),
            LeaseAcquireInterval = TimeSpan.FromSeconds(2),
            MaxConcurrentActivities = MaxActivities,
            MaxConcurrentOrchestrations = MaxOrchestrations,
            WorkerId = workerId,
        };
        var problems = settings.Validate();
        return problems.Count == 0 ? settings : throw new ArgumentException(string.Join(Environment.NewLine, problems));
    }
}

/// <summary>One host process's engine: the host's own AddSelfHostedTaskHub in a generic host, with the bench's tasks.</summary>
public static class BenchHost
{
    public static IHost Build(HubConfig config, TaskHubSettings settings)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
        });
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
        builder.Services.AddSelfHostedTaskHub(settings, BenchTasks.Register);
        if (config.ExtendedSessions)
        {
            // Not a TaskHubSettings property: replace the backend with one built the same way plus extended sessions.
            builder.Services.AddSingleton(sp => CreateService(settings, sp.GetRequiredService<ILoggerFactory>(), extendedSessions: true));
        }

        return builder.Build();
    }

    /// <summary>The host's own mapping of the settings, plus the one lever it does not expose.</summary>
    private static AzureStorageOrchestrationService CreateService(TaskHubSettings settings, ILoggerFactory loggerFactory, bool extendedSessions)
    {
        var backend = AzureStorageTaskHub.ServiceSettings(settings, loggerFactory);
        backend.ExtendedSessionsEnabled = extendedSessions;
        return new AzureStorageOrchestrationService(backend);
    }

    /// <summary>"worker" mode: the second host process. Prints READY once started; stops on "stop" or end of input.</summary>
    public static async Task<int> RunWorkerAsync(IReadOnlyDictionary<string, string> options)
    {
        var config = HubConfig.Parse(options, HubConfig.Defaults);
        var settings = config.ToSettings(options["hub"], ConnectionString(), options["worker-id"]);
        using var host = Build(config, settings);
        await host.StartAsync();
        Console.Out.WriteLine("READY");
        Console.Out.Flush();
        using var progress = new CancellationTokenSource();
        var reporter = Task.Run(async () =>
        {
            var last = 0L;
            while (!progress.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromSeconds(15), progress.Token).ContinueWith(_ => { }, TaskScheduler.Default);
                var now = BenchTasks.ActivitiesRun;
                if (now != last)
                {
                    Console.Error.WriteLine($"ran {now} activities so far");
                    last = now;
                }
            }
        });
        while (await Console.In.ReadLineAsync() is { } line && line.Trim() != "stop")
        {
        }

        await progress.CancelAsync();
        await reporter;

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await host.StopAsync(cts.Token);
        return 0;
    }

    public static string ConnectionString() =>
        Environment.GetEnvironmentVariable("BF_AZURITE_CONNECTION_STRING") is { Length: > 0 } s
            ? s
            : throw new InvalidOperationException("BF_AZURITE_CONNECTION_STRING is not set: run eval \"$(scripts/services.sh up)\" first (bench/durable.sh does).");

    /// <summary>
    /// The storage round trip this machine gives right now: sequential queue send/receive/delete and table
    /// upsert/read on Azurite, 20 of each. Every engine step is a handful of these in a row.
    /// </summary>
    public static async Task<double> ProbeStorageAsync(string hub)
    {
        var queue = new Azure.Storage.Queues.QueueClient(ConnectionString(), $"{hub}-probe");
        var table = new TableClient(ConnectionString(), $"{hub}probe");
        await queue.CreateIfNotExistsAsync();
        await table.CreateIfNotExistsAsync();
        var times = new List<double>();
        try
        {
            for (var i = 0; i < 20; i++)
            {
                var sw = Stopwatch.StartNew();
                await queue.SendMessageAsync("probe");
                times.Add(sw.Elapsed.TotalMilliseconds);
                sw.Restart();
                var message = (await queue.ReceiveMessageAsync()).Value;
                times.Add(sw.Elapsed.TotalMilliseconds);
                sw.Restart();
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
                times.Add(sw.Elapsed.TotalMilliseconds);
                sw.Restart();
                await table.UpsertEntityAsync(new TableEntity("p", i.ToString(System.Globalization.CultureInfo.InvariantCulture)) { ["v"] = i });
                times.Add(sw.Elapsed.TotalMilliseconds);
                sw.Restart();
                await table.GetEntityAsync<TableEntity>("p", i.ToString(System.Globalization.CultureInfo.InvariantCulture));
                times.Add(sw.Elapsed.TotalMilliseconds);
            }
        }
        finally
        {
            await queue.DeleteIfExistsAsync();
            await table.DeleteAsync();
        }

        return Scenarios.Percentile(times, 0.5);
    }

    /// <summary>
    /// What the backend re-read for one instance: its history rows, its episodes (OrchestratorStarted events) and the
    /// rows that existed before each episode began, summed. Without extended sessions every episode loads the whole
    /// history from the table and replays it, so that sum is the orchestration's hidden cost.
    /// </summary>
    public static async Task<string> HistoryCostAsync(string hub, string instanceId)
    {
        try
        {
            var table = new TableClient(ConnectionString(), hub + "History");
            var rows = new List<(string RowKey, string? EventType)>();
            await foreach (var e in table.QueryAsync<TableEntity>(e => e.PartitionKey == instanceId, select: ["RowKey", "EventType"]))
            {
                rows.Add((e.RowKey, e.GetString("EventType")));
            }

            var events = rows.Where(r => r.EventType is not null).OrderBy(r => r.RowKey, StringComparer.Ordinal).ToList();
            long reread = 0;
            var episodes = 0;
            for (var i = 0; i < events.Count; i++)
            {
                if (events[i].EventType == "OrchestratorStarted")
                {
                    episodes++;
                    reread += i;
                }
            }

            return $"{episodes} episodes re-read {reread:N0} history rows in all ({events.Count:N0} at the end)";
        }
        catch (Azure.RequestFailedException ex)
        {
            return $"history not read ({ex.Status})";
        }
    }

    /// <summary>Waits until every partition has a settled owner and, with two hosts and two or more partitions, both hosts own some.</summary>
    public static async Task<string> WaitForBalanceAsync(string hub, int partitions, int hosts, TimeSpan timeout)
    {
        var table = new TableClient(ConnectionString(), hub + "Partitions");
        var sw = Stopwatch.StartNew();
        var summary = "";
        while (sw.Elapsed < timeout)
        {
            try
            {
                var rows = new List<TableEntity>();
                await foreach (var row in table.QueryAsync<TableEntity>())
                {
                    rows.Add(row);
                }

                var owners = rows.Select(r => r.GetString("CurrentOwner")).ToList();
                var settled = rows.Count == partitions && owners.All(o => !string.IsNullOrEmpty(o))
                    && rows.All(r => string.IsNullOrEmpty(r.GetString("NextOwner")));
                var distinct = owners.Where(o => !string.IsNullOrEmpty(o)).Distinct().Count();
                summary = string.Join(", ", owners.GroupBy(o => o ?? "none").Select(g => $"{g.Key}: {g.Count()}"));
                if (settled && distinct >= Math.Min(hosts, partitions))
                {
                    return $"{summary} after {sw.Elapsed.TotalSeconds:F1} s";
                }
            }
            catch (Azure.RequestFailedException)
            {
                // The table appears when the first host starts its partition manager.
            }

            await Task.Delay(250);
        }

        return $"not balanced after {timeout.TotalSeconds:F0} s ({summary})";
    }
}

/// <summary>The second host process, started by the bench: the same program in worker mode on the same hub.</summary>
public sealed class WorkerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private WorkerProcess(Process process) => _process = process;

    public int Pid => _process.Id;

    public static async Task<WorkerProcess> StartAsync(HubConfig config, string hub, string workerId, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(Environment.ProcessPath!)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (!Path.GetFileNameWithoutExtension(Environment.ProcessPath!).Equals("BackupFunctions.TaskHub.Bench", StringComparison.Ordinal))
        {
            info.ArgumentList.Add(typeof(WorkerProcess).Assembly.Location);
        }

        foreach (var a in (string[])["worker", "--hub", hub, "--worker-id", workerId, .. config.ToArgs()])
        {
            info.ArgumentList.Add(a);
        }

        var process = Process.Start(info)!;
        var worker = new WorkerProcess(process);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data == "READY")
            {
                worker._ready.TrySetResult();
            }
            else if (e.Data is not null)
            {
                Console.Error.WriteLine($"[host 2] {e.Data}");
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                Console.Error.WriteLine($"[host 2] {e.Data}");
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var exited = process.WaitForExitAsync();
        var first = await Task.WhenAny(worker._ready.Task, exited, Task.Delay(timeout));
        if (first != worker._ready.Task)
        {
            await worker.DisposeAsync();
            throw new InvalidOperationException(first == exited
                ? $"host 2 exited with code {process.ExitCode} before it was ready"
                : $"host 2 was not ready within {timeout.TotalSeconds:F0} s");
        }

        return worker;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            try
            {
                await _process.StandardInput.WriteLineAsync("stop");
                await _process.StandardInput.FlushAsync();
            }
            catch (IOException)
            {
                // Already gone.
            }

            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(40));
            try
            {
                await _process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                Console.Error.WriteLine($"host 2 (pid {_process.Id}) did not stop within 40 s; killing it");
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }

        _process.Dispose();
    }
}

/// <summary>CPU time of processes from /proc (Linux): this host, the second host and Azurite.</summary>
public static class Cpu
{
    private static readonly double TicksPerSecond = 100; // USER_HZ on Linux

    public static double Seconds(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after the command.
            return (long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) +
                    long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture)) / TicksPerSecond;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return double.NaN;
        }
    }

    /// <summary>The Azurite process (node running azurite), or 0.</summary>
    public static int FindAzurite()
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            try
            {
                var cmd = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                if (cmd.Contains("azurite", StringComparison.Ordinal) && cmd.Contains("--queuePort", StringComparison.Ordinal) && cmd.StartsWith("node", StringComparison.Ordinal))
                {
                    return pid;
                }
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return 0;
    }
}
