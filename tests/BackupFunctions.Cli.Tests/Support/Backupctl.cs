using System.Diagnostics;
using System.Text.Json;

namespace BackupFunctions.Cli.Tests.Support;

/// <summary>What one run of backupctl printed and returned.</summary>
public sealed record CliRun(string Arguments, int ExitCode, string Stdout, string Stderr)
{
    /// <summary>stdout as the one JSON document --json promises.</summary>
    public JsonElement Json
    {
        get
        {
            try
            {
                return JsonDocument.Parse(Stdout).RootElement.Clone();
            }
            catch (JsonException e)
            {
                throw new InvalidOperationException($"stdout of 'backupctl {Arguments}' is not one JSON document ({e.Message}):\n{Stdout}\nstderr:\n{Stderr}");
            }
        }
    }

    public override string ToString() => $"backupctl {Arguments} → exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}

/// <summary>Runs the real backupctl.dll (built with this project) as a child process, as an operator would.</summary>
public static class Backupctl
{
    /// <summary>
    /// Under coverage, each backupctl writes coverlet's hit counts at exit, to one file per instrumented assembly, guarded
    /// by a named mutex. .NET scopes an unprefixed mutex name to the session, and a run under <c>script</c> is a session
    /// of its own, so its exit was not excluded from the others': one CI run had it crash with an IOException on that
    /// file (exit 134) after the command itself had succeeded. A terminal run therefore runs while no other does.
    /// </summary>
    private const int RunPermits = 1024;
    private static readonly SemaphoreSlim Runs = new(RunPermits, RunPermits);
    private static readonly SemaphoreSlim TerminalRuns = new(1, 1);

    public static string DllPath => Path.Combine(AppContext.BaseDirectory, "backupctl.dll");

    public static Task<CliRun> RunAsync(params string[] args) => RunWithEnvironmentAsync(new Dictionary<string, string>(), args);

    /// <summary>
    /// Runs backupctl on a terminal, as an operator at a prompt: under util-linux <c>script</c>, which
    /// gives it a pseudo-terminal (stdin, stdout and stderr are one stream there, in <see cref="CliRun.Stdout"/>).
    /// Once the output shows <paramref name="prompt"/> (compared without colours and white space, which
    /// the terminal's width may break anywhere), <paramref name="answer"/> is typed and Enter pressed.
    /// </summary>
    public static async Task<CliRun> RunOnTerminalAsync(string prompt, string answer, params string[] args)
    {
        await TerminalRuns.WaitAsync();
        var held = 0;
        try
        {
            for (; held < RunPermits; held++) await Runs.WaitAsync();
            return await RunOnTerminalAloneAsync(prompt, answer, args);
        }
        finally
        {
            if (held > 0) Runs.Release(held);
            TerminalRuns.Release();
        }
    }

    private static async Task<CliRun> RunOnTerminalAloneAsync(string prompt, string answer, string[] args)
    {
        var psi = new ProcessStartInfo("script")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        // -q quiet, -f flush at once, -e the child's exit code, -c the command; no typescript file.
        psi.ArgumentList.Add("-qfec");
        psi.ArgumentList.Add(string.Join(' ', new[] { "dotnet", DllPath }.Concat(args).Select(ShellQuote)));
        psi.ArgumentList.Add("/dev/null");
        RemoveSettings(psi);
        psi.Environment["TERM"] = "xterm";

        using var process = Process.Start(psi)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var screen = new System.Text.StringBuilder();
        var answered = false;
        using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        try
        {
            var buffer = new char[4096];
            int read;
            while ((read = await process.StandardOutput.ReadAsync(buffer, guard.Token)) > 0)
            {
                screen.Append(buffer, 0, read);
                if (!answered && Plain(screen.ToString()).Contains(Plain(prompt), StringComparison.Ordinal))
                {
                    answered = true;
                    await process.StandardInput.WriteAsync(answer + "\r");
                    await process.StandardInput.FlushAsync();
                }
            }

            await process.WaitForExitAsync(guard.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"backupctl {string.Join(' ', args)} on a terminal did not exit within 5 minutes. Output so far:\n{screen}");
        }

        return new CliRun(string.Join(' ', args), process.ExitCode, screen.ToString(), await stderr);
    }

    private static string Plain(string text) =>
        System.Text.RegularExpressions.Regex.Replace(text, @"\x1b\[[0-9;?]*[A-Za-z]|\s+", "");

    private static string ShellQuote(string s) => "'" + s.Replace("'", "'\\''") + "'";

    // Only the settings the test passes: nothing from the environment the tests happen to run in.
    private static void RemoveSettings(ProcessStartInfo psi)
    {
        foreach (var name in psi.Environment.Keys.Where(k => k.StartsWith("BackupFunctions__", StringComparison.OrdinalIgnoreCase) || k == "BACKUPFUNCTIONS_CONFIG").ToList())
        {
            psi.Environment.Remove(name);
        }
    }

    /// <summary>Runs backupctl with extra environment variables (settings override the config file, as in production).</summary>
    public static Task<CliRun> RunWithEnvironmentAsync(IReadOnlyDictionary<string, string> environment, params string[] args) =>
        RunAsync(environment, null, args);

    /// <summary>Runs backupctl with <paramref name="stdin"/> written to its standard input (a pipe, as from a secrets tool), then closed.</summary>
    public static Task<CliRun> RunWithInputAsync(string stdin, params string[] args) => RunAsync(new Dictionary<string, string>(), stdin, args);

    /// <summary>
    /// Runs <c>dotnet backupctl.dll args</c> as the arguments of <paramref name="wrapper"/> (e.g. a shell under
    /// <c>unshare</c> that mounts a small filesystem first), with extra environment variables.
    /// </summary>
    public static Task<CliRun> RunWrappedAsync(IReadOnlyList<string> wrapper, IReadOnlyDictionary<string, string> environment, params string[] args) =>
        RunAsync(environment, null, args, wrapper);

    private static async Task<CliRun> RunAsync(IReadOnlyDictionary<string, string> environment, string? stdin, string[] args, IReadOnlyList<string>? wrapper = null)
    {
        await Runs.WaitAsync();
        try
        {
            return await RunUnguardedAsync(environment, stdin, args, wrapper);
        }
        finally
        {
            Runs.Release();
        }
    }

    private static async Task<CliRun> RunUnguardedAsync(IReadOnlyDictionary<string, string> environment, string? stdin, string[] args, IReadOnlyList<string>? wrapper)
    {
        var psi = new ProcessStartInfo(wrapper is null ? "dotnet" : wrapper[0])
        {
            // Never a terminal on stdin (closed at once below), as in CI and in scripts, wherever the tests run.
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        if (wrapper is not null)
        {
            foreach (var w in wrapper.Skip(1)) psi.ArgumentList.Add(w);
            psi.ArgumentList.Add("dotnet");
        }

        psi.ArgumentList.Add(DllPath);
        foreach (var a in args) psi.ArgumentList.Add(a);
        RemoveSettings(psi);
        foreach (var (name, value) in environment)
        {
            psi.Environment[name] = value;
        }

        using var process = Process.Start(psi)!;
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }

        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        // A guard against a hung child, not a performance assertion.
        using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        try
        {
            await process.WaitForExitAsync(guard.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"backupctl {string.Join(' ', args)} did not exit within 5 minutes. stderr so far: {await stderr}");
        }

        return new CliRun(string.Join(' ', args), process.ExitCode, await stdout, await stderr);
    }
}
