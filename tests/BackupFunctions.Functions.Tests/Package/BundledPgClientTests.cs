using System.Diagnostics;
using System.IO.Compression;

namespace BackupFunctions.Functions.Tests.Package;

/// <summary>
/// The Function App's plan has no apt, so the zip brings pg_dump and friends (scripts/publish-functions.sh): unpacked
/// as zip deploy unpacks it, each program's wrapper runs (modes survive the zip) with an empty environment. This machine
/// has the same libraries installed, so that the package alone suffices is shown by ldd in the publish script, not here.
/// </summary>
// One collection: each class's fixture would otherwise publish the same zip at the same time.
[Collection(nameof(FunctionAppPackage))]
public sealed class BundledPgClientTests(FunctionAppPackage package) : IClassFixture<FunctionAppPackage>, IDisposable
{
    private static readonly string[] Tools = ["pg_dump", "pg_restore", "pg_dumpall", "psql"];

    private readonly string _unpacked = Directory.CreateTempSubdirectory("bf-pkg-").FullName;

    [Fact]
    public async Task Every_client_program_of_each_bundled_major_runs_from_the_unpacked_package_with_an_empty_environment()
    {
        ZipFile.ExtractToDirectory(package.ZipPath, _unpacked);
        var majors = Directory.EnumerateDirectories(Path.Combine(_unpacked, "pgsql"))
            .Select(Path.GetFileName)
            .Where(name => int.TryParse(name, out _))
            .ToList();
        Assert.NotEmpty(majors);
        Assert.True(File.Exists(Path.Combine(_unpacked, "pgsql", "lib", "libpq.so.5")), "libpq is not in the package.");

        foreach (var major in majors)
        {
            foreach (var tool in Tools)
            {
                var version = await RunAsync(Path.Combine(_unpacked, "pgsql", major!, "bin", tool), "--version");
                Assert.StartsWith($"{tool} (PostgreSQL) {major}.", version);
            }
        }
    }

    private static async Task<string> RunAsync(string program, string argument)
    {
        var start = new ProcessStartInfo(program, [argument]) { RedirectStandardOutput = true, RedirectStandardError = true };
        // No LD_LIBRARY_PATH or PG* of ours: the wrapper sets what the program needs.
        start.Environment.Clear();
        start.Environment["PATH"] = "/usr/bin:/bin";
        using var process = Process.Start(start)!;
        var stdout = await process.StandardOutput.ReadToEndAsync();
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{program} exited with {process.ExitCode}: {stderr}");
        return stdout.Trim();
    }

    public void Dispose() => Directory.Delete(_unpacked, recursive: true);
}
