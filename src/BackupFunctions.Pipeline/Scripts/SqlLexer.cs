namespace BackupFunctions.Pipeline.Scripts;

/// <summary>
/// Follows a SQL script byte by byte just far enough to know where statements end, the way psql
/// splits a script: a <c>;</c> ends a statement only outside string literals (also <c>E''</c>
/// strings with backslash escapes), quoted identifiers, dollar quotes and comments. It also spots
/// <c>COPY … FROM stdin;</c>, after which the script carries data lines up to <c>\.</c> that must
/// not be read as SQL.
/// </summary>
/// <remarks>
/// Works on bytes, not characters: a dump is written in its database's encoding, and every server
/// encoding keeps the ASCII bytes for ASCII characters, so the quote, comment and <c>;</c> bytes it
/// looks for cannot be parts of other characters.
/// </remarks>
internal sealed class SqlLexer
{
    private enum State : byte { Normal, SingleQuote, EscapeString, DoubleQuote, DollarTag, DollarBody, LineComment, BlockComment }

    private const int MaxDollarTag = 63;
    private static readonly byte[] CopyHead = "copy "u8.ToArray();
    private static readonly byte[] FromStdin = "from stdin"u8.ToArray();

    private State _state;
    // A '-', '/', '*' or closing quote whose meaning depends on the byte after it (0: none).
    private byte _pending;
    private bool _backslash;
    private int _commentDepth;
    private readonly List<byte> _tag = [];
    private byte[] _delimiter = [];
    private int _match;
    private byte _prev = (byte)' ', _prev2 = (byte)' ';
    private bool _hasContent;
    // The first and last few bytes of the current statement outside quotes, lower case, blanks folded
    // to one space: enough to recognise "copy … from stdin".
    private readonly byte[] _head = new byte[CopyHead.Length];
    private int _headLength;
    private readonly byte[] _tail = new byte[16];
    private int _tailLength;

    /// <summary>How many statements a <c>;</c> has ended so far.</summary>
    public long StatementsEnded { get; private set; }

    /// <summary>Set when a <c>COPY … FROM stdin;</c> ended: its data starts on the next line. The reader clears it.</summary>
    public bool CopyDataFollows { get; set; }

    /// <summary>True between statements: nothing but blanks and comments since the last <c>;</c>.</summary>
    public bool AtStatementStart => _state == State.Normal && _pending == 0 && !_hasContent;

    /// <summary>Back to the start of a statement (after the end of COPY data).</summary>
    public void Reset()
    {
        _state = State.Normal;
        _pending = 0;
        _backslash = false;
        _hasContent = false;
        _headLength = _tailLength = 0;
        _prev = _prev2 = (byte)' ';
        CopyDataFollows = false;
    }

    public void Feed(ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes) Feed(b);
    }

    public void Feed(byte b)
    {
        switch (_state)
        {
            case State.Normal:
                FeedNormal(b);
                return;
            case State.SingleQuote:
            case State.EscapeString:
                if (_pending == '\'')
                {
                    _pending = 0;
                    if (b == '\'') return; // '' is a quote inside the literal
                    _state = State.Normal;
                    _prev2 = _prev; _prev = (byte)'\'';
                    FeedNormal(b);
                    return;
                }
                if (_state == State.EscapeString)
                {
                    if (_backslash) { _backslash = false; return; }
                    if (b == '\\') { _backslash = true; return; }
                }
                if (b == '\'') _pending = b;
                return;
            case State.DoubleQuote:
                if (_pending == '"')
                {
                    _pending = 0;
                    if (b == '"') return;
                    _state = State.Normal;
                    _prev2 = _prev; _prev = (byte)'"';
                    FeedNormal(b);
                    return;
                }
                if (b == '"') _pending = b;
                return;
            case State.DollarTag:
                if (b == '$')
                {
                    _delimiter = new byte[_tag.Count + 2];
                    _delimiter[0] = _delimiter[^1] = (byte)'$';
                    _tag.CopyTo(_delimiter, 1);
                    _match = 0;
                    _state = State.DollarBody;
                    return;
                }
                if (_tag.Count < MaxDollarTag && IsTagByte(b, first: _tag.Count == 0))
                {
                    _tag.Add(b);
                    Content(b);
                    return;
                }
                // "$1", or a "$" in an operator: not a dollar quote after all.
                _state = State.Normal;
                FeedNormal(b);
                return;
            case State.DollarBody:
                if (b == _delimiter[_match])
                {
                    if (++_match == _delimiter.Length)
                    {
                        _state = State.Normal;
                        _prev2 = _prev; _prev = (byte)'$';
                    }
                }
                else
                {
                    // The delimiter holds no '$' inside, so a mismatch can only restart at a '$'.
                    _match = b == '$' ? 1 : 0;
                }
                return;
            case State.LineComment:
                if (b == '\n')
                {
                    _state = State.Normal;
                    Blank();
                }
                return;
            case State.BlockComment:
                if (_pending == '/' && b == '*') { _pending = 0; _commentDepth++; return; }
                if (_pending == '*' && b == '/')
                {
                    _pending = 0;
                    if (--_commentDepth == 0)
                    {
                        _state = State.Normal;
                        Blank();
                    }
                    return;
                }
                _pending = b is (byte)'/' or (byte)'*' ? b : (byte)0;
                return;
        }
    }

    private void FeedNormal(byte b)
    {
        if (_pending == '-')
        {
            _pending = 0;
            if (b == '-') { _state = State.LineComment; return; }
            Content((byte)'-');
        }
        else if (_pending == '/')
        {
            _pending = 0;
            if (b == '*') { _state = State.BlockComment; _commentDepth = 1; return; }
            Content((byte)'/');
        }

        switch (b)
        {
            case (byte)'-':
            case (byte)'/':
                _pending = b;
                return;
            case (byte)'\'':
                // E'…' (not the end of an identifier such as "type'") takes backslash escapes.
                var escape = _prev is (byte)'E' or (byte)'e' && !IsIdentifierByte(_prev2);
                Content(b);
                _state = escape ? State.EscapeString : State.SingleQuote;
                return;
            case (byte)'"':
                Content(b);
                _state = State.DoubleQuote;
                return;
            case (byte)'$':
                // Inside an identifier (a$b) a '$' is a letter; elsewhere it may open $tag$.
                var opens = !IsIdentifierByte(_prev);
                Content(b);
                if (opens)
                {
                    _tag.Clear();
                    _state = State.DollarTag;
                }
                return;
            case (byte)';':
                EndStatement();
                return;
            case (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or (byte)'\f' or (byte)'\v':
                Blank();
                return;
            default:
                Content(b);
                return;
        }
    }

    private void Content(byte b)
    {
        _hasContent = true;
        Remember(b is >= (byte)'A' and <= (byte)'Z' ? (byte)(b | 0x20) : b);
        _prev2 = _prev;
        _prev = b;
    }

    private void Blank()
    {
        if (_hasContent && (_tailLength == 0 || _tail[_tailLength - 1] != ' ')) Remember((byte)' ');
        _prev2 = _prev;
        _prev = (byte)' ';
    }

    private void Remember(byte b)
    {
        if (_headLength < _head.Length) _head[_headLength++] = b;
        if (_tailLength == _tail.Length)
        {
            Buffer.BlockCopy(_tail, 1, _tail, 0, _tail.Length - 1);
            _tailLength--;
        }
        _tail[_tailLength++] = b;
    }

    private void EndStatement()
    {
        if (_hasContent && _head.AsSpan(0, _headLength).SequenceEqual(CopyHead) && _tail.AsSpan(0, _tailLength).TrimEnd((byte)' ').EndsWith(FromStdin))
            CopyDataFollows = true;
        StatementsEnded++;
        _hasContent = false;
        _headLength = _tailLength = 0;
        _prev2 = _prev;
        _prev = (byte)';';
    }

    private static bool IsIdentifierByte(byte b) =>
        b is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or >= (byte)'0' and <= (byte)'9' or (byte)'_' or (byte)'$' or >= 0x80;

    private static bool IsTagByte(byte b, bool first) =>
        b is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or (byte)'_' or >= 0x80 || (!first && b is >= (byte)'0' and <= (byte)'9');
}
