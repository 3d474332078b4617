using System.Diagnostics;
using System.Text.Json;
using BackupFunctions.Testing;

namespace BackupFunctions.Cli.Tests;

/// <summary>
/// How backupctl is published for a runtime (scripts/publish.sh): self-contained, in one composite ReadyToRun image with
/// the framework, so a backup JIT-compiles about 3,000 methods fewer (docs/benchmarks.md, session 12) and a database
/// server running `wal push` needs no .NET. The test suite's own builds, without a runtime identifier, stay plain
/// framework-dependent IL. Reads MSBuild's evaluation of the project; publishing it takes minutes, so no test does.
/// </summary>
public sealed class PublishSettingsTests
{
    private static readonly string[] Names = ["SelfContained", "PublishReadyToRun", "PublishReadyToRunComposite"];

    [Fact]
    public async Task Published_for_a_runtime_backupctl_is_self_contained_in_one_composite_ReadyToRun_image()
    {
        var properties = await EvaluateAsync("-p:RuntimeIdentifier=linux-x64");

        Assert.All(Names, name => Assert.True(IsTrue(properties, name), $"{name} is not true for -r linux-x64: {properties}"));
    }

    [Fact]
    public async Task Built_without_a_runtime_backupctl_stays_framework_dependent_IL()
    {
        var properties = await EvaluateAsync();

        Assert.All(Names, name => Assert.False(IsTrue(properties, name), $"{name} is true without a runtime identifier: {properties}"));
    }

    private static bool IsTrue(JsonElement properties, string name) =>
        properties.TryGetProperty(name, out var value) && string.Equals(value.GetString(), "true", StringComparison.OrdinalIgnoreCase);

    private static async Task<JsonElement> EvaluateAsync(params string[] extra)
    {
        var project = Path.Combine(RepoPaths.Root, "src", "BackupFunctions.Cli", "BackupFunctions.Cli.csproj");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in (string[])["msbuild", project, "-p:Configuration=Release", .. extra, .. Names.Select(n => $"-getProperty:{n}")])
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"dotnet msbuild exited with {process.ExitCode}: {await stdout}{await stderr}");
        using var document = JsonDocument.Parse(await stdout);
        return document.RootElement.GetProperty("Properties").Clone();
    }
}
