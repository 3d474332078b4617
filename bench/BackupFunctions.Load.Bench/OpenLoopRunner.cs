using System.Diagnostics;
using System.Net;

namespace BackupFunctions.Load.Bench;

/// <summary>What one request came to: its target, status (0 for a transport error or timeout) and latency.</summary>
internal readonly record struct Outcome(int Target, int Status, double Milliseconds);

/// <summary>
/// Sends requests at a fixed rate, each at its scheduled time (open loop), over one pooled client per host with a
/// bounded number of kept-alive connections. Bounded in count (rate x seconds) and in time (each request times out
/// after 10 s, and the run waits at most 15 s past its end for stragglers).
/// </summary>
internal sealed class OpenLoopRunner : IDisposable
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan DrainLimit = TimeSpan.FromSeconds(15);
    private readonly ReadOptions _o;
    private readonly HttpClient[] _clients;
    private readonly string _key;

    public OpenLoopRunner(ReadOptions options, string key)
    {
        _o = options;
        _key = key;
        var perHost = Math.Max(1, options.Connections / options.Hosts.Count);
        _clients = options.Hosts.Select(h => new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = perHost,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            UseProxy = false,
            AutomaticDecompression = DecompressionMethods.None,
        })
        { BaseAddress = h, Timeout = RequestTimeout }).ToArray();
    }

    /// <summary>The targets in round-robin order: every path on every host.</summary>
    public IReadOnlyList<string> Targets => _o.Hosts.SelectMany(h => _o.Paths.Select(p => $"{h.Authority}{p}")).ToArray();

    /// <summary>Runs <paramref name="seconds"/> at the rate; returns one outcome per request, in schedule order, and the wall time.</summary>
    public async Task<(Outcome[] Outcomes, TimeSpan Wall)> RunAsync(int seconds)
    {
        var count = checked(_o.Rate * seconds);
        var outcomes = new Outcome[count];
        var pending = new Task[count];
        var clock = Stopwatch.StartNew();
        var interval = (double)Stopwatch.Frequency / _o.Rate;
        for (var i = 0; i < count; i++)
        {
            var due = (long)(i * interval);
            var ahead = due - clock.ElapsedTicks;
            if (ahead > Stopwatch.Frequency / 1000)
            {
                // Sleep to the due time; requests that fell due meanwhile go out back to back below, still timed from
                // their own due time, so a late launcher shows as latency rather than as a lower rate.
                await Task.Delay(TimeSpan.FromSeconds((double)ahead / Stopwatch.Frequency));
            }

            pending[i] = SendAsync(i, due, clock, outcomes);
        }

        var all = Task.WhenAll(pending);
        await Task.WhenAny(all, Task.Delay(DrainLimit));
        return (outcomes, clock.Elapsed);
    }

    private async Task SendAsync(int i, long due, Stopwatch clock, Outcome[] outcomes)
    {
        var target = i % (_o.Hosts.Count * _o.Paths.Count);
        var client = _clients[target / _o.Paths.Count];
        var path = _o.Paths[target % _o.Paths.Count];
        var status = 0;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.TryAddWithoutValidation("x-functions-key", _key);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead);
            status = (int)response.StatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            status = 0;
        }

        outcomes[i] = new Outcome(target, status, (clock.ElapsedTicks - due) * 1000.0 / Stopwatch.Frequency);
    }

    public void Dispose()
    {
        foreach (var c in _clients)
        {
            c.Dispose();
        }
    }
}
