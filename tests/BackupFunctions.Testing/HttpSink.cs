using System.Net;
using System.Net.Sockets;

namespace BackupFunctions.Testing;

/// <summary>
/// A real HTTP server on 127.0.0.1 that keeps every request (path, headers, body bytes) and answers with the
/// statuses queued by <see cref="AnswerNext"/>, then 200.
/// </summary>
public sealed class HttpSink : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Queue<int> _statuses = new();
    private readonly Task _loop;

    public HttpSink()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        BaseUrl = $"http://127.0.0.1:{port}/";
        _listener.Prefixes.Add(BaseUrl);
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public string BaseUrl { get; }

    public List<Received> Requests { get; } = [];

    public void AnswerNext(params int[] statuses)
    {
        lock (_statuses)
        {
            foreach (var s in statuses)
            {
                _statuses.Enqueue(s);
            }
        }
    }

    public sealed record Received(string Method, string Path, IReadOnlyDictionary<string, string> Headers, byte[] Body)
    {
        public string Text => System.Text.Encoding.UTF8.GetString(Body);
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext ctx;
            try
            {
                ctx = await _listener.GetContextAsync();
            }
            catch (Exception) when (!_listener.IsListening)
            {
                return;
            }
            catch (HttpListenerException)
            {
                return;
            }

            using var body = new MemoryStream();
            await ctx.Request.InputStream.CopyToAsync(body);
            var headers = ctx.Request.Headers.AllKeys.Where(k => k is not null)
                .ToDictionary(k => k!, k => ctx.Request.Headers[k] ?? "", StringComparer.OrdinalIgnoreCase);
            lock (Requests)
            {
                Requests.Add(new Received(ctx.Request.HttpMethod, ctx.Request.Url!.AbsolutePath, headers, body.ToArray()));
            }

            int status;
            lock (_statuses)
            {
                status = _statuses.TryDequeue(out var s) ? s : 200;
            }

            ctx.Response.StatusCode = status;
            ctx.Response.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Close alone: after a Stop, the managed listener's Close removes its prefix again and, finding no endpoint,
        // binds the port anew to remove it; when another process had taken the port by then, that threw
        // HttpListenerException "Address already in use" (fresh-clone CI at a0ef4dc, after every assertion passed).
        _listener.Close();
        try
        {
            await _loop;
        }
        catch (ObjectDisposedException)
        {
        }
    }
}
