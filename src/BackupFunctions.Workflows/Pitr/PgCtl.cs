using System.Diagnostics;
using System.Globalization;

namespace BackupFunctions.Workflows.Pitr;

/// <summary>pg_ctl for a restored data directory, run as <see cref="RunAsUser"/> (through runuser) when given.</summary>
public sealed class PgCtl(string binDirectory, string dataDirectory, string? runAsUser)
{
    public string LogFile => Path.Combine(dataDirectory, "pitr-server.log");

    public string? RunAsUser => runAsUser;

    public string DataDirectory => dataDirectory;

    /// <summary>Starts the server on 127.0.0.1:<paramref name="port"/> without waiting: recovery may take long, and progress is polled.</summary>
    public Task StartAsync(int port, CancellationToken ct) => RunAsync(ct, "-D", dataDirectory, "-l", LogFile, "-W", "-o",
        string.Create(CultureInfo.InvariantCulture, $"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=''"), "start");

    public Task StopAsync(CancellationToken ct) => RunAsync(ct, "-D", dataDirectory, "-m", "fast", "-w", "-t", "60", "stop");

    public bool IsRunning => File.Exists(Path.Combine(dataDirectory, "postmaster.pid"));

    /// <summary>The last lines of the server log, where recovery says what it did or why it stopped.</summary>
    public string LogTail(int lines = 25)
    {
        try
        {
            return string.Join('\n', File.ReadLines(LogFile).TakeLast(lines));
        }
        catch (IOException)
        {
            return "(no server log)";
        }
    }

    /// <summary>Gives the data directory to the user that will run the server, with the 0700 PostgreSQL insists on.</summary>
    public async Task PrepareOwnershipAsync(CancellationToken ct)
    {
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(dataDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        if (runAsUser is not null) await ChownAsync(runAsUser, dataDirectory, ct);
    }

    /// <summary>chown -R: hands a directory to the user that runs a restored server.</summary>
    public static Task ChownAsync(string user, string path, CancellationToken ct) => ExecAsync("chown", ["-R", user, path], ct);

    private Task RunAsync(CancellationToken ct, params string[] args)
    {
        var pgCtl = Path.Combine(binDirectory, "pg_ctl");
        return runAsUser is null ? ExecAsync(pgCtl, args, ct) : ExecAsync("runuser", ["-u", runAsUser, "--", pgCtl, .. args], ct);
    }

    private static async Task ExecAsync(string exe, IReadOnlyList<string> args, CancellationToken ct)
    {
        var psi = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["LC_MESSAGES"] = "C";
        // Not the allow-list of ChildEnvironment: the server started here runs restore_command (backupctl wal fetch), which needs
        // this process's key-encryption keys and target credentials when they come from the environment. Only PG* are dropped.
        foreach (var key in psi.Environment.Keys.Where(k => k.StartsWith("PG", StringComparison.Ordinal)).ToList()) psi.Environment.Remove(key);
        using var p = Process.Start(psi) ?? throw new PitrException($"Could not start {exe}.");
        var stdout = p.StandardOutput.ReadToEndAsync(ct);
        var stderr = p.StandardError.ReadToEndAsync(ct);
        await p.WaitForExitAsync(ct);
        if (p.ExitCode != 0)
            throw new PitrException($"{Path.GetFileName(exe)} {string.Join(' ', args)} exited with {p.ExitCode}: {(await stderr).Trim()} {(await stdout).Trim()}");
    }
}
