using System.Diagnostics;
using System.Reflection;

namespace BackupFunctions.Infra.Tests.Support;

/// <summary>
/// The Bicep CLI from the NuGet package Azure.Bicep.CommandLine.linux-x64 (a PackageDownload of this project, so
/// `dotnet restore` fetches it on a fresh machine). NuGet extracts it without the execute bit on some machines, so it
/// is set here before the first run.
/// </summary>
internal static class BicepCli
{
    public const string PackageId = "azure.bicep.commandline.linux-x64";
    public const string Version = "0.49.2";

    private static readonly Lazy<string> Executable = new(Locate);

    public static string Path => Executable.Value;

    /// <summary>Runs bicep with the arguments in <paramref name="workingDirectory"/>; never throws on a non-zero exit.</summary>
    public static async Task<BicepResult> RunAsync(string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo(Path)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // No telemetry, and no attempt to reach a registry: every module is local.
        start.Environment["BICEP_TELEMETRY_ENABLED"] = "false";
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {Path}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        // A generous bound so a hung CLI fails the test instead of the CI run; not a timing assertion.
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"bicep {string.Join(' ', arguments)} did not finish in 5 minutes.");
        }

        return new BicepResult(process.ExitCode, await stdout, await stderr);
    }

    private static string Locate()
    {
        var roots = new[]
        {
            typeof(BicepCli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "NuGetPackageRoot")?.Value,
            Environment.GetEnvironmentVariable("NUGET_PACKAGES"),
            System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages"),
        };
        foreach (var root in roots.Where(r => !string.IsNullOrEmpty(r)))
        {
            var candidate = System.IO.Path.Combine(root!, PackageId, Version, "tools", "bicep");
            if (File.Exists(candidate))
            {
                MakeExecutable(candidate);
                return candidate;
            }
        }

        throw new InvalidOperationException(
            $"The Bicep CLI {Version} is not in the NuGet packages folder ({string.Join(", ", roots.Where(r => !string.IsNullOrEmpty(r)))}). " +
            "Run `dotnet restore tests/BackupFunctions.Infra.Tests`: its PackageDownload fetches Azure.Bicep.CommandLine.linux-x64.");
    }

    internal static void MakeExecutable(string path)
    {
        const UnixFileMode execute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        var mode = File.GetUnixFileMode(path);
        if ((mode & UnixFileMode.UserExecute) == 0)
        {
            File.SetUnixFileMode(path, mode | execute);
        }
    }
}

internal sealed record BicepResult(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>Diagnostic lines at Warning level: with the linter's warnings as errors, there must be none.</summary>
    public IReadOnlyList<string> Warnings => Lines.Where(l => l.Contains(" : Warning ", StringComparison.Ordinal)).ToList();

    public IReadOnlyList<string> Errors => Lines.Where(l => l.Contains(" : Error ", StringComparison.Ordinal)).ToList();

    /// <summary>Clean: exit 0 and no Warning or Error line.</summary>
    public bool IsClean => ExitCode == 0 && Warnings.Count == 0 && Errors.Count == 0;

    public string Output => $"exit {ExitCode}\n{Stderr}\n{Stdout}";

    private IEnumerable<string> Lines => (Stderr + "\n" + Stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
