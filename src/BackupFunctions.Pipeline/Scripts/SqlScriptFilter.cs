using System.Buffers;
using System.Text;
using System.Text.RegularExpressions;

namespace BackupFunctions.Pipeline.Scripts;

/// <summary>
/// Streams a SQL script as pg_dump or pg_restore writes it and drops the statements an older
/// server would reject although nothing depends on them: <c>SET name = …;</c> and
/// <c>SELECT pg_catalog.set_config('name', …);</c> for a parameter the server does not know (a
/// pg_restore 17 writes <c>SET transaction_timeout = 0;</c>, which servers before 17 refuse), and,
/// when asked, psql's <c>\restrict</c>/<c>\unrestrict</c> lines, which a psql older than the script
/// writer refuses. Everything else passes byte for byte.
/// </summary>
/// <remarks>
/// Only a whole line that is exactly one statement, and that starts where a statement may start,
/// is ever dropped: never a line of COPY data, of a function body or of a string literal
/// (<see cref="SqlLexer"/> tracks those), and never one that holds more than that one statement.
/// Memory stays bounded: a line is held back only while it may still be such a statement, and at
/// most <see cref="MaxHeldLineBytes"/> of it.
/// </remarks>
public sealed partial class SqlScriptFilter
{
    /// <summary>A line longer than this is not one of the short statements this filter drops.</summary>
    public const int MaxHeldLineBytes = 8 << 10;
    private const int CopySize = 128 << 10;

    private enum LineMode : byte { Start, Held, Pass, CopyStart, CopyPass }

    private readonly HashSet<string> _known;
    private readonly bool _dropRestrictLines;
    private readonly SqlLexer _lexer = new();
    private readonly SortedDictionary<string, int> _dropped = new(StringComparer.Ordinal);
    private readonly byte[] _line = new byte[MaxHeldLineBytes];
    private int _lineLength;
    private bool _sawNonBlank;
    private bool _inCopy;
    private LineMode _mode = LineMode.Start;

    /// <param name="knownParameters">The parameters the target server knows (from pg_settings); compared case-insensitively.</param>
    /// <param name="dropRestrictLines">Also drop <c>\restrict</c> and <c>\unrestrict</c> (for a psql that predates them).</param>
    public SqlScriptFilter(IEnumerable<string> knownParameters, bool dropRestrictLines)
    {
        _known = new HashSet<string>(knownParameters.Select(p => p.ToLowerInvariant()), StringComparer.Ordinal);
        _dropRestrictLines = dropRestrictLines;
    }

    /// <summary>Each unknown parameter whose statements were dropped (lower case), with how many.</summary>
    public IReadOnlyDictionary<string, int> DroppedParameters => _dropped;

    /// <summary>How many <c>\restrict</c>/<c>\unrestrict</c> lines were dropped.</summary>
    public int DroppedRestrictLines { get; private set; }

    /// <summary>Copies <paramref name="input"/> to <paramref name="output"/>, filtered. Neither stream is closed.</summary>
    public async Task CopyAsync(Stream input, Stream output, CancellationToken ct = default)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(CopySize);
        // At most one input buffer plus one held line per round.
        var filtered = new ArrayBufferWriter<byte>(CopySize + MaxHeldLineBytes);
        try
        {
            int n;
            while ((n = await input.ReadAsync(buffer.AsMemory(0, CopySize), ct).ConfigureAwait(false)) > 0)
            {
                Process(buffer.AsSpan(0, n), filtered);
                await output.WriteAsync(filtered.WrittenMemory, ct).ConfigureAwait(false);
                filtered.ResetWrittenCount();
            }
            Complete(filtered);
            await output.WriteAsync(filtered.WrittenMemory, ct).ConfigureAwait(false);
            await output.FlushAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Filters the next piece of the script into <paramref name="output"/>; a held line waits for its end.</summary>
    public void Process(ReadOnlySpan<byte> data, IBufferWriter<byte> output)
    {
        while (!data.IsEmpty)
        {
            switch (_mode)
            {
                case LineMode.Start:
                    if (_lexer.CopyDataFollows)
                    {
                        _lexer.CopyDataFollows = false;
                        _inCopy = true;
                    }
                    _lineLength = 0;
                    _sawNonBlank = false;
                    _mode = _inCopy ? LineMode.CopyStart : _lexer.AtStatementStart ? LineMode.Held : LineMode.Pass;
                    break;
                case LineMode.Held:
                    data = Hold(data, output);
                    break;
                case LineMode.Pass:
                {
                    var end = data.IndexOf((byte)'\n');
                    var piece = end < 0 ? data : data[..(end + 1)];
                    _lexer.Feed(piece);
                    output.Write(piece);
                    data = data[piece.Length..];
                    if (end >= 0) _mode = LineMode.Start;
                    break;
                }
                case LineMode.CopyStart:
                    data = HoldCopyLine(data, output);
                    break;
                case LineMode.CopyPass:
                {
                    var end = data.IndexOf((byte)'\n');
                    var piece = end < 0 ? data : data[..(end + 1)];
                    output.Write(piece);
                    data = data[piece.Length..];
                    if (end >= 0) _mode = LineMode.Start;
                    break;
                }
            }
        }
    }

    /// <summary>The end of the script: decides a last line that has no newline.</summary>
    public void Complete(IBufferWriter<byte> output)
    {
        if (_mode == LineMode.Held && _lineLength > 0) Decide(output);
        else if (_mode == LineMode.CopyStart) output.Write(_line.AsSpan(0, _lineLength));
        _lineLength = 0;
        _mode = LineMode.Start;
    }

    private ReadOnlySpan<byte> Hold(ReadOnlySpan<byte> data, IBufferWriter<byte> output)
    {
        var i = 0;
        while (i < data.Length)
        {
            if (_lineLength == _line.Length)
            {
                Release(output);
                return data[i..];
            }
            var b = data[i++];
            _line[_lineLength++] = b;
            if (b == '\n')
            {
                Decide(output);
                _mode = LineMode.Start;
                return data[i..];
            }
            if (!_sawNonBlank && b is not ((byte)' ' or (byte)'\t' or (byte)'\r'))
            {
                _sawNonBlank = true;
                // Every line this filter may drop starts with SET, SELECT or a backslash.
                if (b is not ((byte)'S' or (byte)'s' or (byte)'\\'))
                {
                    Release(output);
                    return data[i..];
                }
            }
        }
        return data[i..];
    }

    /// <summary>Writes the held part of a line that is not dropped, and passes the rest of it.</summary>
    private void Release(IBufferWriter<byte> output)
    {
        var held = _line.AsSpan(0, _lineLength);
        _lexer.Feed(held);
        output.Write(held);
        _lineLength = 0;
        _mode = LineMode.Pass;
    }

    private void Decide(IBufferWriter<byte> output)
    {
        var line = _line.AsSpan(0, _lineLength);
        // Latin-1 maps each byte to one char, so the ASCII patterns see the bytes as they are.
        var text = Encoding.Latin1.GetString(line).TrimEnd('\r', '\n');
        var trimmed = text.TrimStart(' ', '\t');
        if (trimmed.StartsWith('\\'))
        {
            // A psql meta-command: psql reads it to the end of the line, so it is no SQL to follow.
            if (_dropRestrictLines && RestrictLine().IsMatch(trimmed)) DroppedRestrictLines++;
            else output.Write(line);
            _lineLength = 0;
            return;
        }

        if (ParameterOf(text) is { } name && !IsKnown(name) && IsOneStatement(line))
        {
            // The line was one whole statement, so the lexer is still at a statement start: as if it were never there.
            _dropped[name] = _dropped.GetValueOrDefault(name) + 1;
            _lineLength = 0;
            return;
        }
        _lexer.Feed(line);
        output.Write(line);
        _lineLength = 0;
    }

    private bool IsKnown(string name) =>
        // A name with a dot is a custom placeholder (app.tenant_id): every server accepts those.
        name.Contains('.', StringComparison.Ordinal) || _known.Contains(name);

    private static string? ParameterOf(string line)
    {
        var set = SetStatement().Match(line);
        if (set.Success)
        {
            var name = set.Groups["name"].Value;
            if (name.StartsWith('"')) name = name[1..^1].Replace("\"\"", "\"", StringComparison.Ordinal);
            return name.ToLowerInvariant();
        }
        var call = SetConfigCall().Match(line);
        return call.Success ? call.Groups["name"].Value.Replace("''", "'", StringComparison.Ordinal).ToLowerInvariant() : null;
    }

    private static bool IsOneStatement(ReadOnlySpan<byte> line)
    {
        var probe = new SqlLexer();
        probe.Feed(line);
        probe.Feed((byte)'\n');
        return probe.StatementsEnded == 1 && probe.AtStatementStart && !probe.CopyDataFollows;
    }

    private ReadOnlySpan<byte> HoldCopyLine(ReadOnlySpan<byte> data, IBufferWriter<byte> output)
    {
        // Only a line "\." (or "\.\r") ends COPY data, so four bytes without a newline decide it.
        var i = 0;
        while (i < data.Length)
        {
            var b = data[i++];
            _line[_lineLength++] = b;
            if (b == '\n')
            {
                var content = _line.AsSpan(0, _lineLength - 1);
                if (content.SequenceEqual("\\."u8) || content.SequenceEqual("\\.\r"u8))
                {
                    _inCopy = false;
                    _lexer.Reset();
                }
                output.Write(_line.AsSpan(0, _lineLength));
                _lineLength = 0;
                _mode = LineMode.Start;
                return data[i..];
            }
            if (_lineLength == 4)
            {
                output.Write(_line.AsSpan(0, _lineLength));
                _lineLength = 0;
                _mode = LineMode.CopyPass;
                return data[i..];
            }
        }
        return data[i..];
    }

    // SET [SESSION|LOCAL] name {=|TO} …  — not SET ROLE x, SET TIME ZONE x, SET SESSION AUTHORIZATION x,
    // SET TRANSACTION …: those have no "=" or "TO" after their first words.
    [GeneratedRegex("""^\s*SET\s+(?:(?:SESSION|LOCAL)\s+)?(?<name>"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*(?:\.[A-Za-z_][A-Za-z0-9_$]*)*)(?:\s*=|\s+TO\b)""",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SetStatement();

    [GeneratedRegex("""^\s*SELECT\s+(?:pg_catalog\s*\.\s*)?set_config\s*\(\s*'(?<name>(?:[^']|'')+)'\s*,""",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SetConfigCall();

    [GeneratedRegex(@"^\\(?:un)?restrict(?:\s|$)", RegexOptions.CultureInvariant)]
    private static partial Regex RestrictLine();
}
