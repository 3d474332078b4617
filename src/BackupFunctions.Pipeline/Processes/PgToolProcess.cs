using System.Diagnostics;

namespace BackupFunctions.Pipeline.Processes;

/// <summary>
/// A running client program. Its stdout is a stream to read as it is produced (never buffered
/// whole); stdin is writable if requested; stderr is collected in the background with bounded
/// memory. <see cref="WaitForSuccessAsync"/> turns a non-zero exit or error lines into a
/// <see cref="PgToolException"/>.
/// </summary>
public sealed class PgToolProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StderrCollector _stderr;
    private readonly Task _stderrPump;
    private readonly PgConnectionInfo? _connection;
    private readonly Action<string>? _onStderrLine;
    private bool _killed;

    internal PgToolProcess(PgTool tool, string executable, Process process, StderrCollector stderr, PgConnectionInfo? connection, bool stdinOpen,
        Action<string>? onStderrLine = null)
    {
        _onStderrLine = onStderrLine;
        Tool = tool;
        ExecutablePath = executable;
        _process = process;
        _stderr = stderr;
        _connection = connection;
        _stderrPump = PumpStderrAsync();
        PipeBuffer.TryEnlarge(_process.StandardOutput.BaseStream);
        if (stdinOpen) PipeBuffer.TryEnlarge(_process.StandardInput.BaseStream);
        else _process.StandardInput.Close();
    }

    public PgTool Tool { get; }
    public string ExecutablePath { get; }
    public int ProcessId => _process.Id;

    /// <summary>The program's stdout, raw bytes.</summary>
    public Stream StandardOutput => _process.StandardOutput.BaseStream;

    /// <summary>The program's stdin, raw bytes (only when started with stdin open). Dispose it to send EOF.</summary>
    public Stream StandardInput => _process.StandardInput.BaseStream;

    public bool HasExited => _process.HasExited;

    /// <summary>Stderr so far (bounded excerpt, password scrubbed).</summary>
    public string StderrExcerpt => _stderr.Excerpt();

    /// <summary>Stderr lines that read as errors so far.</summary>
    public IReadOnlyList<string> ErrorLines => _stderr.ErrorLines;

    /// <summary>
    /// Waits for the exit and for stderr to drain; throws <see cref="PgToolException"/> if the exit
    /// code is non-zero or stderr held error lines. Cancelling kills the process.
    /// </summary>
    public async Task<int> WaitForSuccessAsync(CancellationToken ct = default)
    {
        try
        {
            await _process.WaitForExitAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Kill();
            throw;
        }
        await _stderrPump.ConfigureAwait(false);
        var exit = _process.ExitCode;
        if (_killed)
            throw Failure(PgFailureKind.Cancelled, null, "the process was stopped because the run failed or was cancelled.");
        if (exit != 0 || _stderr.HasErrors)
        {
            var kind = _stderr.Kind ?? PgFailureKind.Failed;
            var summary = _stderr.FirstError ?? (exit != 0 ? "it exited with a non-zero code and no error text." : "stderr reported an error.");
            if (exit == 0) summary = "exit code 0, but stderr reported errors: " + summary;
            throw Failure(kind, exit, summary);
        }
        return exit;
    }

    internal PgToolException Failure(PgFailureKind kind, int? exit, string summary, Exception? inner = null) =>
        new(Tool, kind, exit, summary, _stderr.Excerpt(), PgToolException.Advice(kind, _connection), inner);

    /// <summary>Kills the process (and its children) if it is still running.</summary>
    public void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _killed = true;
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException) { /* already exited */ }
    }

    private async Task PumpStderrAsync()
    {
        var reader = _process.StandardError;
        while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            _stderr.Add(line);
            _onStderrLine?.Invoke(_stderr.Scrub(line));
        }
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        try { await _process.WaitForExitAsync().ConfigureAwait(false); } catch (InvalidOperationException) { }
        try { await _stderrPump.ConfigureAwait(false); } catch (IOException) { }
        _process.Dispose();
    }
}
