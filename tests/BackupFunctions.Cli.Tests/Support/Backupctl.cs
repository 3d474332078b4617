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
    public static string DllPath => Path.Combine(AppContext.BaseDirectory, "backupctl.dll");

    public static Task<CliRun> RunAsync(params string[] args) => RunWithEnvironmentAsync(new Dictionary<string, string>(), args);

    /// <summary>Runs backupctl with extra environment variables (settings override the config file, as in production).</summary>
    public static async Task<CliRun> RunWithEnvironmentAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        psi.ArgumentList.Add(DllPath);
        foreach (var a in args) psi.ArgumentList.Add(a);
        // Only the settings the test passes: nothing from the environment the tests happen to run in.
        foreach (var name in psi.Environment.Keys.Where(k => k.StartsWith("BackupFunctions__", StringComparison.OrdinalIgnoreCase) || k == "BACKUPFUNCTIONS_CONFIG").ToList())
        {
            psi.Environment.Remove(name);
        }

        foreach (var (name, value) in environment)
        {
            psi.Environment[name] = value;
        }

        using var process = Process.Start(psi)!;
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
