using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace BackupFunctions.Host.Tests.Support;

/// <summary>
/// A host in a process of its own, for tests that need several hosts or a kill -9. Settings are passed as environment
/// variables (':' becomes '__'). <see cref="HostEntry.Product"/> runs the built BackupFunctions.Host.dll with the
/// product orchestrations; <see cref="HostEntry.TestRecorder"/> runs this assembly's TestHostProgram.
/// <code>
/// await using var host = await HostProcess.StartAsync(HostSettings.For(cs, hub, productWorkflows: true).With(...));
/// var client = host.Client(TestKeys.Function);
/// host.Kill();                       // SIGKILL, no shutdown
/// await using var again = await HostProcess.StartAsync(sameSettings);
/// </code>
/// </summary>
public sealed partial class HostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private HostProcess(Process process) => _process = process;

    public Uri BaseAddress { get; private set; } = null!;

    public int ProcessId => _process.Id;

    /// <summary>The exit code once the process has ended (after <see cref="StopAsync"/> or <see cref="Kill"/>).</summary>
    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    public IReadOnlyList<string> Output => [.. _output];

    public static async Task<HostProcess> StartAsync(IDictionary<string, string?> settings, HostEntry entry = HostEntry.Product)
    {
        var host = new HostProcess(Process.Start(StartInfo(settings, entry))!);
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnLine(string? line)
        {
            if (line is null)
            {
                // Wait for the exit, which also drains stderr, so the message says why it ended.
                _ = Task.Run(async () =>
                {
                    await host._process.WaitForExitAsync();
                    listening.TrySetException(new InvalidOperationException(
                        $"The host process ended (exit code {host._process.ExitCode}) before it listened:\n" + string.Join("\n", host.Output)));
                });
                return;
            }

            host._output.Enqueue(line);
            if (ListeningOn().Match(line) is { Success: true } m)
            {
                listening.TrySetResult(new Uri(m.Groups[1].Value));
            }
        }

        host._process.OutputDataReceived += (_, e) => OnLine(e.Data);
        host._process.ErrorDataReceived += (_, e) => { if (e.Data is not null) host._output.Enqueue("stderr: " + e.Data); };
        host._process.BeginOutputReadLine();
        host._process.BeginErrorReadLine();
        try
        {
            host.BaseAddress = await listening.Task.WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }

        return host;
    }

    /// <summary>
    /// Runs a host that is expected to refuse its settings: waits (at most a minute) for it to exit and returns its
    /// exit code and what it wrote to stdout and stderr.
    /// </summary>
    public static async Task<(int ExitCode, string StdOut, string StdErr)> RunToExitAsync(IDictionary<string, string?> settings)
    {
        using var process = Process.Start(StartInfo(settings, HostEntry.Product))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException("The host did not exit within a minute; it accepted settings it should have refused.");
        }

        return (process.ExitCode, await stdout, await stderr);
    }

    private static ProcessStartInfo StartInfo(IDictionary<string, string?> settings, HostEntry entry)
    {
        var dir = AppContext.BaseDirectory;
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = dir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(dir, entry == HostEntry.Product ? "BackupFunctions.Host.dll" : "BackupFunctions.Host.Tests.dll"));
        if (entry == HostEntry.TestRecorder)
        {
            start.ArgumentList.Add(TestHostProgram.Flag);
        }

        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        start.Environment["Logging__Console__FormatterName"] = "simple";
        start.Environment["Logging__Console__FormatterOptions__SingleLine"] = "true";
        start.Environment["DOTNET_NOLOGO"] = "1";
        // The shipped host turns tiered compilation off (BackupFunctions.Host.csproj: less resident JIT code in a host
        // that runs for weeks), so every method it runs is compiled fully optimised first. A test's host lives for seconds
        // and runs most of its code once; quick tier-0 code is what it needs, and the suite starts many of them on a
        // 2-core CI machine (docs/testing.md, "CI time"). The environment variable outranks the runtimeconfig.json setting.
        start.Environment["DOTNET_TieredCompilation"] = "1";
        return start;
    }

    public HttpClient Client(string? key = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Add("x-functions-key", key);
        }

        return client;
    }

    /// <summary>
    /// SIGKILL (to its children too, e.g. a running pg_dump): no shutdown, no lease hand-back, no work item abandoned;
    /// what a crash looks like to the other hosts. The dead process's sidecar socket directory is removed afterwards.
    /// </summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
            foreach (var line in Output)
            {
                if (SidecarSocket().Match(line) is { Success: true } m && Path.GetDirectoryName(m.Groups[1].Value) is { } dir
                    && Path.GetFileName(dir).StartsWith("bf-taskhub-", StringComparison.Ordinal) && Directory.Exists(dir))
                {
                    Directory.Delete(dir, recursive: true);
                }
            }
        }
    }

    /// <summary>A graceful stop (SIGTERM), as a platform does before it recycles an instance.</summary>
    public async Task StopAsync()
    {
        if (!_process.HasExited)
        {
            using var term = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await term.WaitForExitAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                Kill();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process.Dispose();
    }

    [GeneratedRegex(@"BackupFunctions host listening on (http://[^\s;]+)")]
    private static partial Regex ListeningOn();

    [GeneratedRegex(@"Task hub sidecar listening on (\S+)")]
    private static partial Regex SidecarSocket();
}

public enum HostEntry
{
    /// <summary>The shipped host, BackupFunctions.Host.dll, with the product's orchestrations.</summary>
    Product,

    /// <summary>This test assembly as a host, with <see cref="RunRecorder"/> as the retention orchestration.</summary>
    TestRecorder,
}
