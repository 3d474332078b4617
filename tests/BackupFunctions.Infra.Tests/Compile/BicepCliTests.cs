using BackupFunctions.Infra.Tests.Support;

namespace BackupFunctions.Infra.Tests.Compile;

/// <summary>The CLI from the NuGet package runs, whether or not the package kept its execute bit.</summary>
public sealed class BicepCliTests
{
    [Fact]
    public async Task ThePackagedCliIsTheVersionThePackageDownloadPins()
    {
        var result = await BicepCli.RunAsync(RepositoryRoot.Path, "--version");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains($"Bicep CLI version {BicepCli.Version}", result.Stdout);
    }

    [Fact]
    public async Task AFileWithoutTheExecuteBitIsMadeRunnable()
    {
        var dir = Directory.CreateTempSubdirectory("bf-bicep-mode-").FullName;
        try
        {
            var script = Path.Combine(dir, "tool");
            await File.WriteAllTextAsync(script, "#!/bin/sh\necho ran\n");
            File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite);

            BicepCli.MakeExecutable(script);

            Assert.True(File.GetUnixFileMode(script).HasFlag(UnixFileMode.UserExecute));
            using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(script) { RedirectStandardOutput = true })!;
            Assert.Equal("ran", (await process.StandardOutput.ReadToEndAsync()).Trim());
            await process.WaitForExitAsync();
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
