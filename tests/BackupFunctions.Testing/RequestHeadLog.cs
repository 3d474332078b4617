using System.Collections.Concurrent;
using System.Text;
using System.Text.RegularExpressions;

namespace BackupFunctions.Testing;

/// <summary>
/// Reads the request heads (request line and headers) out of one connection's bytes as they pass
/// through <see cref="FaultProxy"/>, skipping bodies by their Content-Length, so a test can see what
/// a real SDK put on the wire. Stops at a chunked body, which it does not parse.
/// </summary>
internal sealed partial class RequestHeadLog(ConcurrentQueue<string> heads)
{
    private readonly StringBuilder _head = new();
    private long _bodyLeft;
    private bool _stopped;

    public void Feed(ReadOnlySpan<byte> data)
    {
        var i = 0;
        while (i < data.Length && !_stopped)
        {
            if (_bodyLeft > 0)
            {
                var skip = (int)Math.Min(_bodyLeft, data.Length - i);
                _bodyLeft -= skip;
                i += skip;
                continue;
            }

            _head.Append((char)data[i++]);
            if (!EndsWithBlankLine()) continue;
            var head = _head.ToString();
            _head.Clear();
            heads.Enqueue(head);
            _stopped = ChunkedPattern().IsMatch(head);
            var length = ContentLengthPattern().Match(head);
            _bodyLeft = length.Success ? long.Parse(length.Groups[1].Value) : 0;
        }
    }

    private bool EndsWithBlankLine() =>
        _head.Length >= 4 && _head[^4] == '\r' && _head[^3] == '\n' && _head[^2] == '\r' && _head[^1] == '\n';

    [GeneratedRegex(@"^Content-Length:\s*(\d+)\s*$", RegexOptions.IgnoreCase | RegexOptions.Multiline)]
    private static partial Regex ContentLengthPattern();

    [GeneratedRegex(@"^Transfer-Encoding:\s*chunked", RegexOptions.IgnoreCase | RegexOptions.Multiline)]
    private static partial Regex ChunkedPattern();
}
