using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json;
using BackupFunctions.Functions.Tests.Support;

namespace BackupFunctions.Functions.Tests.Package;

/// <summary>
/// The deployable zip as scripts/publish-functions.sh writes it (artifacts/functionapp.zip), read once for all the
/// package tests. A zip newer than every input of the app is reused; otherwise the script publishes a new one.
/// </summary>
public sealed class FunctionAppPackage
{
    private static readonly string[] SourceProjects =
        ["BackupFunctions.Functions", "BackupFunctions.Workflows", "BackupFunctions.Pipeline", "BackupFunctions.Targets"];

    private static readonly string[] RootInputs =
        ["host.json", "Directory.Build.props", "Directory.Packages.props", "scripts/publish-functions.sh"];

    public FunctionAppPackage()
    {
        ZipPath = System.IO.Path.Combine(RepositoryRoot.Path, "artifacts", "functionapp.zip");
        if (!IsFresh(ZipPath))
        {
            Publish(ZipPath);
        }

        using var zip = ZipFile.OpenRead(ZipPath);
        Entries = zip.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);
        Functions = ReadJson(zip, "functions.metadata").EnumerateArray().Select(FunctionEntry.From).ToList();
        HostJson = ReadJson(zip, "host.json");
    }

    public string ZipPath { get; }

    public IReadOnlySet<string> Entries { get; }

    public IReadOnlyList<FunctionEntry> Functions { get; }

    public JsonElement HostJson { get; }

    /// <summary>Fresh when written after the last change to any source, project file or setting the app is built from.</summary>
    internal static bool IsFresh(string zipPath)
    {
        if (!File.Exists(zipPath))
        {
            return false;
        }

        var built = File.GetLastWriteTimeUtc(zipPath);
        return Inputs().All(input => File.GetLastWriteTimeUtc(input) < built);
    }

    private static IEnumerable<string> Inputs()
    {
        foreach (var project in SourceProjects)
        {
            var dir = System.IO.Path.Combine(RepositoryRoot.Path, "src", project);
            foreach (var file in Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories))
            {
                var relative = System.IO.Path.GetRelativePath(dir, file).Replace('\\', '/');
                if (!relative.StartsWith("bin/", StringComparison.Ordinal) && !relative.StartsWith("obj/", StringComparison.Ordinal))
                {
                    yield return file;
                }
            }
        }

        foreach (var file in RootInputs)
        {
            yield return System.IO.Path.Combine(RepositoryRoot.Path, file);
        }
    }

    private static void Publish(string zipPath)
    {
        var script = System.IO.Path.Combine(RepositoryRoot.Path, "scripts", "publish-functions.sh");
        var start = new ProcessStartInfo("bash", [script, zipPath])
        {
            WorkingDirectory = RepositoryRoot.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };

        // Publish into a tree of its own unless the caller chose one: `dotnet test` of the solution runs other test
        // assemblies meanwhile, and a Release restore for linux-x64 must not rewrite the obj/ they were built from.
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("BF_ALT_BUILD")))
        {
            start.Environment["BF_ALT_BUILD"] = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "bf-functions-publish");
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(20)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{script} did not finish in 20 minutes.");
        }

        if (process.ExitCode != 0 || !File.Exists(zipPath))
        {
            throw new InvalidOperationException(
                $"{script} exited with {process.ExitCode}.\n{stdout.Result}\n{stderr.Result}");
        }
    }

    private static JsonElement ReadJson(ZipArchive zip, string name)
    {
        var entry = zip.GetEntry(name) ?? throw new InvalidOperationException($"{name} is not at the root of the zip.");
        using var stream = entry.Open();
        using var document = JsonDocument.Parse(stream, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        return document.RootElement.Clone();
    }
}
