using BackupFunctions.Infra.Tests.Support;

namespace BackupFunctions.Infra.Tests.Compile;

/// <summary>
/// Every .bicep file of infra-bicep/ lints and builds with no warning (bicepconfig.json raises the linter's rules to
/// errors, and any Warning line fails the test as well), and both .bicepparam files build against main.bicep.
/// </summary>
public sealed class BicepCompileTests
{
    [Fact]
    public void InfraHasTheFilesTheDocsPromise()
    {
        var files = Directory.EnumerateFiles(RepositoryRoot.Infra, "*.bicep", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(RepositoryRoot.Infra, f)).ToHashSet();
        Assert.Contains("main.bicep", files);
        Assert.True(files.Count(f => f.StartsWith("modules", StringComparison.Ordinal)) >= 8, string.Join(", ", files));
        Assert.True(File.Exists(Path.Combine(RepositoryRoot.Infra, "bicepconfig.json")));
    }

    [Fact]
    public async Task EveryBicepFileLintsWithNoWarning()
    {
        var result = await BicepCli.RunAsync(RepositoryRoot.Path, "lint", "--pattern", "infra-bicep/**/*.bicep");

        Assert.True(result.IsClean, result.Output);
    }

    [Fact]
    public async Task EveryBicepFileBuilds()
    {
        var outDir = Directory.CreateTempSubdirectory("bf-bicep-build-").FullName;
        try
        {
            var result = await BicepCli.RunAsync(RepositoryRoot.Path, "build", "--pattern", "infra-bicep/**/*.bicep", "--outdir", outDir);

            Assert.True(result.IsClean, result.Output);
            var sources = Directory.EnumerateFiles(RepositoryRoot.Infra, "*.bicep", SearchOption.AllDirectories).Count();
            Assert.Equal(sources, Directory.EnumerateFiles(outDir, "*.json", SearchOption.AllDirectories).Count());
        }
        finally
        {
            Directory.Delete(outDir, recursive: true);
        }
    }

    [Theory]
    [InlineData("dev.bicepparam")]
    [InlineData("prod.bicepparam")]
    public async Task ParameterFileBuilds(string file)
    {
        var result = await BicepCli.RunAsync(RepositoryRoot.Infra, "build-params", file, "--stdout");

        Assert.True(result.IsClean, result.Output);
        Assert.Contains("parametersJson", result.Stdout);
    }

    /// <summary>The checks above can fail: a warning the repository's config raises to error, and one it leaves a warning.</summary>
    [Fact]
    public async Task AWarningInAModuleIsCaught()
    {
        var copy = Directory.CreateTempSubdirectory("bf-bicep-bad-").FullName;
        try
        {
            CopyDirectory(RepositoryRoot.Infra, copy);
            File.AppendAllText(Path.Combine(copy, "modules", "monitoring.bicep"), "\nvar neverUsed = 'x'\n");

            var raised = await BicepCli.RunAsync(copy, "lint", "--pattern", "**/*.bicep");
            Assert.False(raised.IsClean);
            Assert.NotEqual(0, raised.ExitCode);
            Assert.Contains(raised.Errors, l => l.Contains("no-unused-vars", StringComparison.Ordinal));

            // Without the repository's config the same rule is only a warning, and bicep exits 0: the Warning line still fails.
            File.Delete(Path.Combine(copy, "bicepconfig.json"));
            var plain = await BicepCli.RunAsync(copy, "lint", Path.Combine("modules", "monitoring.bicep"));
            Assert.Equal(0, plain.ExitCode);
            Assert.False(plain.IsClean);
            Assert.Contains(plain.Warnings, l => l.Contains("no-unused-vars", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
