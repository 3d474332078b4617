using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BackupFunctions.Pipeline.Processes;

/// <summary>
/// Starts pg_dump, pg_restore, psql, pg_dumpall and pg_basebackup. The connection is passed as a libpq conninfo
/// in --dbname (host, port, user, database; never the password) and the password in the child's
/// PGPASSWORD, or, when the connection has none, from the password file libpq finds (PGPASSFILE or
/// ~/.pgpass). The child's environment is <see cref="ChildEnvironment"/>'s allow-list, so neither a
/// secret of this process nor a PG* variable that could redirect a run reaches it.
/// </summary>
public sealed partial class PgToolRunner
{
    private readonly ILogger _logger;

    public PgToolRunner(PgClientLocator? locator = null, ILogger<PgToolRunner>? logger = null)
    {
        Locator = locator ?? new PgClientLocator();
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    public PgClientLocator Locator { get; }

    /// <summary>
    /// Starts <paramref name="tool"/> with the connection (if any) and <paramref name="arguments"/>.
    /// </summary>
    /// <param name="client">Which installed client; null uses the locator's default.</param>
    /// <param name="openStdin">Keep stdin open for the caller to write (pg_restore from a stream); otherwise it is closed at once.</param>
    /// <param name="onStderrLine">Sees every stderr line as it arrives, password scrubbed (pg_dump -j's progress).</param>
    public PgToolProcess Start(PgTool tool, PgConnectionInfo? connection, IEnumerable<string> arguments,
        bool openStdin = false, PgClientInstallation? client = null, Action<string>? onStderrLine = null)
    {
        client ??= Locator.Default;
        var exe = client.PathOf(tool);
        if (!File.Exists(exe))
            throw new PgToolException(tool, PgFailureKind.ToolNotFound, null, $"{exe} does not exist.", "", PgToolException.Advice(PgFailureKind.ToolNotFound, connection));

        var psi = new ProcessStartInfo(exe)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardErrorEncoding = Encoding.UTF8,
        };
        // An allow-list: no key-encryption key, target secret or connection string reaches the child.
        ChildEnvironment.Apply(psi.Environment);
        if (connection is not null)
        {
            if (connection.Password is { Length: > 0 } pw) psi.Environment["PGPASSWORD"] = pw;
            psi.Environment["PGCONNECT_TIMEOUT"] = connection.ConnectTimeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            // All five programs accept a conninfo string in --dbname, which also copes with odd database names.
            psi.ArgumentList.Add("--dbname=" + connection.ToConnInfo());
            psi.ArgumentList.Add("--no-password");
        }
        foreach (var a in arguments) psi.ArgumentList.Add(a);

        var collector = new StderrCollector(connection?.Password);
        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {exe}.");
        }
        catch (Win32Exception e)
        {
            throw new PgToolException(tool, PgFailureKind.ToolNotFound, null, $"{exe} could not be started: {e.Message}", "", PgToolException.Advice(PgFailureKind.ToolNotFound, connection), e);
        }
        LogStarted(_logger, tool.FileName(), exe, connection?.ToString() ?? "-", string.Join(' ', arguments));
        return new PgToolProcess(tool, exe, process, collector, connection, openStdin, onStderrLine);
    }

    /// <summary>The first line of <c>tool --version</c>, e.g. "pg_dump (PostgreSQL) 15.14 (Debian 15.14-0+deb12u1)".</summary>
    public async Task<string> GetVersionAsync(PgTool tool, PgClientInstallation? client = null, CancellationToken ct = default)
    {
        var output = await RunAsync(tool, null, ["--version"], client: client, ct: ct).ConfigureAwait(false);
        return output.Split('\n', 2)[0].Trim();
    }

    /// <summary>
    /// Runs a program to completion and returns its stdout as text. For small outputs only (versions,
    /// schema dumps, psql scripts); the data path streams instead.
    /// </summary>
    public async Task<string> RunAsync(PgTool tool, PgConnectionInfo? connection, IEnumerable<string> arguments,
        string? standardInput = null, PgClientInstallation? client = null, CancellationToken ct = default)
    {
        await using var p = Start(tool, connection, arguments, openStdin: standardInput is not null, client);
        var readOut = ReadAllTextAsync(p.StandardOutput, ct);
        if (standardInput is not null)
        {
            try
            {
                await using (var stdin = p.StandardInput)
                    await stdin.WriteAsync(Encoding.UTF8.GetBytes(standardInput), ct).ConfigureAwait(false);
            }
            catch (IOException)
            {
                // The program exited early; its exit code and stderr tell why.
            }
        }
        var text = await readOut.ConfigureAwait(false);
        await p.WaitForSuccessAsync(ct).ConfigureAwait(false);
        return text;
    }

    private static async Task<string> ReadAllTextAsync(Stream s, CancellationToken ct)
    {
        using var reader = new StreamReader(s, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, leaveOpen: true);
        return await reader.ReadToEndAsync(ct).ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 4100, Level = LogLevel.Debug, Message = "Started {Tool} ({Executable}) against {Connection} with arguments: {Arguments}")]
    private static partial void LogStarted(ILogger logger, string tool, string executable, string connection, string arguments);
}
