using System.Text;
using System.Text.RegularExpressions;

namespace BackupFunctions.Pipeline.Processes;

/// <summary>
/// Collects a client program's stderr with bounded memory: the first and last lines and the first
/// error lines, each line capped. Every line is classified as it arrives, and any password is
/// scrubbed before a line is kept.
/// </summary>
internal sealed partial class StderrCollector(string? secret)
{
    private const int HeadLines = 20, TailLines = 40, MaxErrorLines = 20, MaxLineLength = 2000;
    private readonly List<string> _head = [];
    private readonly Queue<string> _tail = new();
    private readonly List<string> _errors = [];
    private readonly object _gate = new();
    private long _total;

    public PgFailureKind? Kind { get; private set; }
    public bool HasErrors { get { lock (_gate) return _errors.Count > 0; } }
    public string? FirstError { get { lock (_gate) return _errors.Count > 0 ? _errors[0] : null; } }
    public IReadOnlyList<string> ErrorLines { get { lock (_gate) return _errors.ToList(); } }

    public void Add(string rawLine)
    {
        var kind = Classify(rawLine);
        var line = Scrub(rawLine);
        if (line.Length > MaxLineLength) line = line[..MaxLineLength] + " …";
        lock (_gate)
        {
            _total++;
            if (kind is not null && Kind is null) Kind = kind;
            if (IsErrorLine(rawLine) && _errors.Count < MaxErrorLines) _errors.Add(line);
            if (_head.Count < HeadLines) { _head.Add(line); return; }
            _tail.Enqueue(line);
            if (_tail.Count > TailLines) _tail.Dequeue();
        }
    }

    public string Excerpt()
    {
        lock (_gate)
        {
            var sb = new StringBuilder();
            foreach (var l in _head) sb.AppendLine(l);
            var skipped = _total - _head.Count - _tail.Count;
            if (skipped > 0)
            {
                sb.AppendLine($"… ({skipped} lines omitted)");
                foreach (var e in _errors.Where(e => !_head.Contains(e) && !_tail.Contains(e))) sb.AppendLine(e);
            }
            foreach (var l in _tail) sb.AppendLine(l);
            return sb.ToString().TrimEnd();
        }
    }

    public string Scrub(string text) =>
        string.IsNullOrEmpty(secret) ? text : text.Replace(secret, "********", StringComparison.Ordinal);

    /// <summary>Lines that mean the run failed, whatever the exit code says.</summary>
    internal static bool IsErrorLine(string line) =>
        line.Contains("ERROR:", StringComparison.Ordinal) ||
        line.Contains("FATAL:", StringComparison.Ordinal) ||
        line.Contains("PANIC:", StringComparison.Ordinal) ||
        line.Contains("errors ignored on restore", StringComparison.Ordinal) ||
        ToolError().IsMatch(line);

    internal static PgFailureKind? Classify(string line)
    {
        if (line.Contains("server version mismatch", StringComparison.OrdinalIgnoreCase)) return PgFailureKind.ServerVersionMismatch;
        if (line.Contains("password authentication failed", StringComparison.OrdinalIgnoreCase) ||
            line.Contains("no password supplied", StringComparison.OrdinalIgnoreCase) ||
            line.Contains("fe_sendauth", StringComparison.OrdinalIgnoreCase) ||
            line.Contains("no pg_hba.conf entry", StringComparison.OrdinalIgnoreCase) ||
            line.Contains("authentication failed", StringComparison.OrdinalIgnoreCase) ||
            RoleMissing().IsMatch(line)) return PgFailureKind.AuthenticationFailed;
        if (DatabaseMissing().IsMatch(line)) return PgFailureKind.DatabaseNotFound;
        if (line.Contains("Connection refused", StringComparison.OrdinalIgnoreCase) ||
            line.Contains("could not connect to server", StringComparison.OrdinalIgnoreCase) ||
            line.Contains("could not translate host name", StringComparison.OrdinalIgnoreCase) ||
            line.Contains("No route to host", StringComparison.OrdinalIgnoreCase) ||
            line.Contains("Network is unreachable", StringComparison.OrdinalIgnoreCase) ||
            line.Contains("timeout expired", StringComparison.OrdinalIgnoreCase) ||
            line.Contains("the database system is starting up", StringComparison.OrdinalIgnoreCase) ||
            line.Contains("the database system is shutting down", StringComparison.OrdinalIgnoreCase) ||
            (line.Contains("connection to server", StringComparison.OrdinalIgnoreCase) && line.Contains("failed", StringComparison.OrdinalIgnoreCase)))
            return PgFailureKind.Unreachable;
        if (line.Contains("server closed the connection unexpectedly", StringComparison.OrdinalIgnoreCase) ||
            line.Contains("connection to server was lost", StringComparison.OrdinalIgnoreCase) ||
            line.Contains("terminating connection", StringComparison.OrdinalIgnoreCase)) return PgFailureKind.ConnectionLost;
        if (line.Contains("row-level security", StringComparison.OrdinalIgnoreCase)) return PgFailureKind.RowLevelSecurity;
        if (line.Contains("permission denied", StringComparison.OrdinalIgnoreCase)) return PgFailureKind.PermissionDenied;
        return null;
    }

    [GeneratedRegex(@"^[\w.-]+: error: ")]
    private static partial Regex ToolError();

    [GeneratedRegex(@"database "".*"" does not exist")]
    private static partial Regex DatabaseMissing();

    [GeneratedRegex(@"FATAL:\s+role "".*"" does not exist")]
    private static partial Regex RoleMissing();
}
