using System.Net;
using System.Net.Sockets;
using System.Text;
using MimeKit;

namespace BackupFunctions.Workflows.Tests.Alerts;

/// <summary>
/// A real SMTP server on 127.0.0.1, speaking enough of RFC 5321 for MailKit (EHLO, AUTH PLAIN, MAIL, RCPT, DATA,
/// RSET, NOOP, QUIT), that keeps every message it accepts. <see cref="RejectNext"/> answers the next DATA with a
/// given reply instead (e.g. "451 try later"), to exercise the sender's retries.
/// </summary>
public sealed class SmtpSink : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly Queue<string> _rejections = new();

    public SmtpSink()
    {
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _loop = Task.Run(AcceptAsync);
    }

    public int Port { get; }

    public List<(MimeMessage Message, string From, IReadOnlyList<string> To)> Messages { get; } = [];

    /// <summary>The user and password of every AUTH PLAIN.</summary>
    public List<(string User, string Password)> Logins { get; } = [];

    public void RejectNext(string reply)
    {
        lock (_rejections)
        {
            _rejections.Enqueue(reply);
        }
    }

    private async Task AcceptAsync()
    {
        var sessions = new List<Task>();
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                break;
            }

            sessions.Add(Task.Run(() => SessionAsync(client)));
        }

        await Task.WhenAll(sessions);
    }

    private async Task SessionAsync(TcpClient client)
    {
        using var _ = client;
        var stream = client.GetStream();
        var reader = new StreamReader(stream, Encoding.ASCII);
        var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
        await writer.WriteLineAsync("220 sink ESMTP ready");
        string? from = null;
        var to = new List<string>();
        try
        {
            while (await reader.ReadLineAsync(_stop.Token) is { } line)
            {
                var verb = line.Split(' ', 2)[0].ToUpperInvariant();
                switch (verb)
                {
                    case "EHLO":
                        await writer.WriteAsync("250-sink\r\n250-AUTH PLAIN\r\n250 8BITMIME\r\n");
                        break;
                    case "HELO" or "NOOP":
                        await writer.WriteLineAsync("250 ok");
                        break;
                    case "AUTH":
                        var parts = line.Split(' ');
                        var payload = parts.Length > 2 ? parts[2] : await AskAsync(writer, reader);
                        var fields = Encoding.UTF8.GetString(Convert.FromBase64String(payload)).Split('\0');
                        lock (Logins)
                        {
                            Logins.Add((fields[1], fields[2]));
                        }

                        await writer.WriteLineAsync("235 authenticated");
                        break;
                    case "MAIL":
                        from = Address(line);
                        to.Clear();
                        await writer.WriteLineAsync("250 ok");
                        break;
                    case "RCPT":
                        to.Add(Address(line));
                        await writer.WriteLineAsync("250 ok");
                        break;
                    case "DATA":
                        await writer.WriteLineAsync("354 end with <CRLF>.<CRLF>");
                        var data = await ReadDataAsync(reader);
                        string? rejection;
                        lock (_rejections)
                        {
                            _rejections.TryDequeue(out rejection);
                        }

                        if (rejection is not null)
                        {
                            await writer.WriteLineAsync(rejection);
                            break;
                        }

                        var message = await MimeMessage.LoadAsync(new MemoryStream(Encoding.UTF8.GetBytes(data)));
                        lock (Messages)
                        {
                            Messages.Add((message, from ?? "", to.ToList()));
                        }

                        await writer.WriteLineAsync("250 queued");
                        break;
                    case "RSET":
                        from = null;
                        to.Clear();
                        await writer.WriteLineAsync("250 ok");
                        break;
                    case "QUIT":
                        await writer.WriteLineAsync("221 bye");
                        return;
                    default:
                        await writer.WriteLineAsync("502 not implemented");
                        break;
                }
            }
        }
        catch (Exception) when (_stop.IsCancellationRequested)
        {
        }
        catch (IOException)
        {
            // The client hung up.
        }
    }

    private static async Task<string> AskAsync(StreamWriter writer, StreamReader reader)
    {
        await writer.WriteLineAsync("334 ");
        return await reader.ReadLineAsync() ?? "";
    }

    private static async Task<string> ReadDataAsync(StreamReader reader)
    {
        var sb = new StringBuilder();
        while (await reader.ReadLineAsync() is { } line && line != ".")
        {
            // RFC 5321 dot-stuffing: a leading dot was doubled by the sender.
            sb.Append(line.StartsWith("..", StringComparison.Ordinal) ? line[1..] : line).Append("\r\n");
        }

        return sb.ToString();
    }

    private static string Address(string line)
    {
        var start = line.IndexOf('<');
        var end = line.IndexOf('>');
        return start >= 0 && end > start ? line[(start + 1)..end] : "";
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _loop;
        _stop.Dispose();
    }
}
