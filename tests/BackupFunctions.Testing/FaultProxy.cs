using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace BackupFunctions.Testing;

/// <summary>
/// A TCP proxy on loopback in front of a real service that injects the failures seen from R2, B2 and
/// flaky networks: connections reset mid-body (either direction), 503 SlowDown answers, and slow
/// responses. Faults are armed one-shot by the test, so the SDKs meet real socket errors.
/// </summary>
public sealed class FaultProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly string _upstreamHost;
    private readonly int _upstreamPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<TcpClient, byte> _open = new();
    private readonly Task _accepting;
    private long _resetResponseAfter = -1;
    private long _resetRequestAfter = -1;
    private int _fail503;
    private long _fail503UntilTicks;
    private volatile bool _down;

    public FaultProxy(Uri upstream)
    {
        _upstreamHost = upstream.Host;
        _upstreamPort = upstream.Port;
        _listener.Start();
        _accepting = AcceptLoopAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public string Url => $"http://127.0.0.1:{Port}";

    public int Resets;
    public int Injected503s;

    /// <summary>Keep the head of every request forwarded from now on, for <see cref="RequestHeads"/>.</summary>
    public bool RecordRequestHeads { get; set; }

    /// <summary>The request heads seen while <see cref="RecordRequestHeads"/> was on ("PUT /bucket/key HTTP/1.1\r\nHost: …"), in order per connection.</summary>
    public IReadOnlyList<string> RequestHeads => _heads.ToList();

    private readonly ConcurrentQueue<string> _heads = new();

    /// <summary>Delay before forwarding each chunk of a response.</summary>
    public TimeSpan ResponseDelay { get; set; }

    /// <summary>Reset (TCP RST) the connection that carries the n-th response byte from now on. One-shot.</summary>
    public void ResetResponseAfter(long bytes) => Interlocked.Exchange(ref _resetResponseAfter, bytes);

    /// <summary>Reset the connection that carries the n-th request byte from now on (an upload breaking). One-shot.</summary>
    public void ResetRequestAfter(long bytes) => Interlocked.Exchange(ref _resetRequestAfter, bytes);

    /// <summary>Answer the next <paramref name="count"/> connections with 503 SlowDown. Closes open connections so the next request opens a new one.</summary>
    public void Fail503(int count)
    {
        Interlocked.Exchange(ref _fail503, count);
        foreach (var c in _open.Keys) c.Close();
    }

    /// <summary>Answer every connection opened before <c>now + window</c> with 503 SlowDown (a throttling storm of that length).</summary>
    public void Fail503For(TimeSpan window)
    {
        Interlocked.Exchange(ref _fail503UntilTicks, DateTime.UtcNow.Add(window).Ticks);
        foreach (var c in _open.Keys) c.Close();
    }

    /// <summary>
    /// The service is gone: open connections are reset and new ones are reset as soon as they are accepted (what a
    /// client sees from a crashed server behind a load balancer), until <see cref="BringUp"/>.
    /// </summary>
    public void TakeDown()
    {
        _down = true;
        foreach (var c in _open.Keys) Reset(c);
    }

    public void BringUp() => _down = false;

    /// <summary>Connections reset because the service was down.</summary>
    public int Refused;

    /// <summary>
    /// Holds the response to every request whose request line ("GET /bucket/key HTTP/1.1") matches, for
    /// <see cref="MatchedResponseDelay"/>: the request has reached the service (a put is stored) but the client has
    /// not heard back, which is where a crash or a timeout hurts most. Null turns it off.
    /// </summary>
    public Func<string, bool>? DelayResponseWhen { get; set; }

    public TimeSpan MatchedResponseDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Responses held by <see cref="DelayResponseWhen"/> so far (counted when the hold starts).</summary>
    public int DelayedResponses;

    private static void Reset(TcpClient c)
    {
        try
        {
            c.Client.LingerState = new LingerOption(true, 0); // RST, not FIN
            c.Client.Close();
        }
        catch (Exception)
        {
            // Already closed.
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
            catch (Exception) { return; }
            _ = HandleAsync(client);
        }
    }

    private async Task HandleAsync(TcpClient client)
    {
        _open[client] = 0;
        using var upstream = new TcpClient();
        try
        {
            if (_down)
            {
                Interlocked.Increment(ref Refused);
                Reset(client);
                return;
            }

            if (TryTake(ref _fail503) || DateTime.UtcNow.Ticks < Interlocked.Read(ref _fail503UntilTicks))
            {
                await Respond503Async(client.GetStream());
                return;
            }
            await upstream.ConnectAsync(_upstreamHost, _upstreamPort, _stop.Token);
            _open[upstream] = 0;
            var log = RecordRequestHeads ? new RequestHeadLog(_heads) : null;
            var held = new HeldResponse();
            var up = PumpAsync(client.GetStream(), upstream.GetStream(), () => ref _resetRequestAfter, client, false, log, held);
            var down = PumpAsync(upstream.GetStream(), client.GetStream(), () => ref _resetResponseAfter, client, true, held: held);
            await Task.WhenAny(up, down);
        }
        catch (Exception)
        {
            // A reset or a closed peer ends this connection; that is the point.
        }
        finally
        {
            _open.TryRemove(client, out _);
            _open.TryRemove(upstream, out _);
            client.Dispose();
        }
    }

    private delegate ref long Threshold();

    /// <summary>Per connection: the request just forwarded matched <see cref="DelayResponseWhen"/>, so its response waits.</summary>
    private sealed class HeldResponse
    {
        public volatile bool Pending;
    }

    private async Task PumpAsync(NetworkStream from, NetworkStream to, Threshold threshold, TcpClient client, bool response, RequestHeadLog? log = null,
        HeldResponse? held = null)
    {
        var buffer = new byte[16 * 1024];
        while (true)
        {
            var n = await from.ReadAsync(buffer, _stop.Token);
            if (n == 0) return;
            log?.Feed(buffer.AsSpan(0, n));
            if (!response && held is not null && DelayResponseWhen is { } match && RequestLines(buffer.AsSpan(0, n)).Any(match))
            {
                held.Pending = true;
            }

            // An interim "100 Continue" only lets the client send its body; the answer that says the request was served comes after it.
            if (response && held is { Pending: true } && !IsInterim(buffer.AsSpan(0, n)))
            {
                held.Pending = false;
                Interlocked.Increment(ref DelayedResponses);
                await Task.Delay(MatchedResponseDelay, _stop.Token);
            }

            if (response && ResponseDelay > TimeSpan.Zero) await Task.Delay(ResponseDelay, _stop.Token);
            ref var left = ref threshold();
            var armed = Interlocked.Read(ref left);
            if (armed >= 0)
            {
                if (n >= armed && Interlocked.CompareExchange(ref left, -1, armed) == armed)
                {
                    if (response) await to.WriteAsync(buffer.AsMemory(0, (int)armed), _stop.Token);
                    else await to.WriteAsync(buffer.AsMemory(0, (int)armed), _stop.Token);
                    await to.FlushAsync();
                    Interlocked.Increment(ref Resets);
                    client.Client.LingerState = new LingerOption(true, 0); // RST, not FIN
                    client.Client.Close();
                    return;
                }
                Interlocked.CompareExchange(ref left, armed - n, armed);
            }
            await to.WriteAsync(buffer.AsMemory(0, n), _stop.Token);
        }
    }

    /// <summary>
    /// The HTTP request lines in a chunk of client bytes. A line is looked for at every line start in the chunk, so a
    /// request that follows a body on a kept-alive connection is seen too; encrypted bodies do not spell request lines.
    /// </summary>
    private static IEnumerable<string> RequestLines(ReadOnlySpan<byte> chunk)
    {
        var text = Encoding.Latin1.GetString(chunk);
        return text.Split("\r\n").Where(l => l.EndsWith(" HTTP/1.1", StringComparison.Ordinal)
            && (l.StartsWith("GET ", StringComparison.Ordinal) || l.StartsWith("PUT ", StringComparison.Ordinal) || l.StartsWith("HEAD ", StringComparison.Ordinal)
                || l.StartsWith("POST ", StringComparison.Ordinal) || l.StartsWith("DELETE ", StringComparison.Ordinal))).ToList();
    }

    private static bool IsInterim(ReadOnlySpan<byte> chunk) => chunk.StartsWith("HTTP/1.1 100 "u8);

    private async Task Respond503Async(NetworkStream stream)
    {
        // Read the request head, then answer and close.
        var head = new StringBuilder();
        var buffer = new byte[4096];
        while (!head.ToString().Contains("\r\n\r\n"))
        {
            var n = await stream.ReadAsync(buffer, _stop.Token);
            if (n == 0) return;
            head.Append(Encoding.ASCII.GetString(buffer, 0, n));
        }
        const string body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>";
        // A HEAD answer has no body (and says so), as a real server's would.
        var isHead = head.ToString().StartsWith("HEAD ", StringComparison.Ordinal);
        var response = isHead
            ? "HTTP/1.1 503 Slow Down\r\nx-ms-error-code: ServerBusy\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            : $"HTTP/1.1 503 Slow Down\r\nContent-Type: application/xml\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n{body}";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(response), _stop.Token);
        Interlocked.Increment(ref Injected503s);
    }

    private static bool TryTake(ref int counter)
    {
        while (true)
        {
            var current = Volatile.Read(ref counter);
            if (current <= 0) return false;
            if (Interlocked.CompareExchange(ref counter, current - 1, current) == current) return true;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        foreach (var c in _open.Keys) c.Dispose();
        await _accepting;
        _stop.Dispose();
    }
}
