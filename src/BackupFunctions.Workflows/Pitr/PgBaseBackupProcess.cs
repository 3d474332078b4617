using System.Diagnostics;
using System.Globalization;
using System.Text;
using BackupFunctions.Pipeline.Processes;

namespace BackupFunctions.Workflows.Pitr;

/// <summary>
/// pg_basebackup writing one tar of the data directory to stdout (<c>-D - -Ft -X none</c>: the WAL
/// comes from the archive). The password travels in PGPASSWORD, never on the command line; other
/// PG* variables are removed so the environment cannot point it at another server.
/// </summary>
public sealed class PgBaseBackupProcess : IDisposable
{
    private const int MaxStderrChars = 16_000;
    private readonly Process _process;
    private readonly StringBuilder _stderr = new();
    private readonly Task _stderrPump;

    private PgBaseBackupProcess(Process process)
    {
        _process = process;
        _stderrPump = Task.Run(async () =>
        {
            while (await process.StandardError.ReadLineAsync() is { } line)
            {
                lock (_stderr)
                {
                    if (_stderr.Length < MaxStderrChars) _stderr.AppendLine(line);
                }
            }
        });
    }

    public Stream Output => _process.StandardOutput.BaseStream;

    public static PgBaseBackupProcess Start(string binDirectory, PgConnectionInfo source, string label)
    {
        var exe = Path.Combine(binDirectory, "pg_basebackup");
        if (!File.Exists(exe))
            throw new PitrException($"{exe} does not exist: install the PostgreSQL client of the server's major version, or set BackupFunctions:Source:PgBinDirectory.");
        var psi = new ProcessStartInfo(exe)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardErrorEncoding = Encoding.UTF8,
        };
        // Like pg_dump: an allow-listed environment, so no key-encryption key or target secret reaches it.
        ChildEnvironment.Apply(psi.Environment);
        if (source.Password is { Length: > 0 } pw) psi.Environment["PGPASSWORD"] = pw;
        psi.ArgumentList.Add("--dbname=" + string.Create(CultureInfo.InvariantCulture,
            $"host='{Quote(source.Host)}' port={source.Port} user='{Quote(source.Username)}' connect_timeout={source.ConnectTimeoutSeconds} application_name='backupfunctions-basebackup'"));
        foreach (var a in new[] { "--no-password", "--pgdata=-", "--format=tar", "--wal-method=none", "--checkpoint=fast", "--label=" + label })
            psi.ArgumentList.Add(a);
        var process = Process.Start(psi) ?? throw new PitrException($"Could not start {exe}.");
        process.StandardInput.Close();
        return new PgBaseBackupProcess(process);
    }

    /// <summary>Waits for the exit; throws with pg_basebackup's own words when it failed.</summary>
    public async Task WaitForSuccessAsync(CancellationToken ct)
    {
        await _process.WaitForExitAsync(ct);
        await _stderrPump;
        if (_process.ExitCode != 0)
            throw new PitrException($"pg_basebackup exited with {_process.ExitCode}: {Stderr.Trim()}");
    }

    public string Stderr
    {
        get { lock (_stderr) return _stderr.ToString(); }
    }

    public void Kill()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    private static string Quote(string value) => value.Replace("\\", "\\\\").Replace("'", "\\'");
}
