using BackupFunctions.Pipeline.Keys;
using BackupFunctions.Targets;
using BackupFunctions.Workflows.Configuration;

namespace BackupFunctions.Workflows.Tests;

/// <summary>
/// An environment built for named targets (backupctl backup --targets …) constructs only those: the others' clients,
/// and their SDKs, are never built. A target whose construction fails (a filesystem target on a volume that is not
/// mounted) is the proof: it fails the environment only when it is one of the targets asked for.
/// </summary>
public sealed class SelectedTargetsEnvironmentTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("bf-select-").FullName;

    private BackupFunctionsOptions Options() => new()
    {
        Keys = new KeyOptions { KeyFile = Path.Combine(_root, "unused-kek.json") },
        StagingDirectory = Path.Combine(_root, "staging"),
        Targets =
        [
            new TargetOptions { Name = "local", Type = TargetOptions.FileSystemType, Path = Path.Combine(_root, "local") },
            // Passes the settings check, but its constructor refuses a missing directory (an unmounted volume).
            new TargetOptions { Name = "offline", Type = TargetOptions.FileSystemType, Path = Path.Combine(_root, "not-mounted"), CreateIfMissing = false },
        ],
    };

    private static KeyRing Keys() => new([KeyEncryptionKey.Generate("k")], "k");

    [Fact]
    public void Without_a_selection_every_target_is_built_so_the_offline_one_fails()
    {
        var e = Assert.Throws<TargetConfigurationException>(() => new BackupEnvironment(Options(), keys: Keys()));
        Assert.Contains("not-mounted", e.Message);
    }

    [Fact]
    public void A_selection_builds_only_the_named_targets()
    {
        var env = new BackupEnvironment(Options(), keys: Keys(), onlyTargets: [" LOCAL "]);

        Assert.Equal(["local"], env.Targets.Select(t => t.Name));
        Assert.Equal(["local"], env.SelectTargets(["local"]).Select(t => t.Name));
        Assert.False(Directory.Exists(Path.Combine(_root, "not-mounted")));
    }

    [Fact]
    public void A_selected_target_that_cannot_be_built_still_fails()
    {
        var e = Assert.Throws<TargetConfigurationException>(() => new BackupEnvironment(Options(), keys: Keys(), onlyTargets: ["offline"]));
        Assert.Contains("not-mounted", e.Message);
    }

    [Fact]
    public void An_unknown_name_is_refused_with_every_configured_target_listed()
    {
        var e = Assert.Throws<UnknownTargetException>(() => new BackupEnvironment(Options(), keys: Keys(), onlyTargets: ["local", "nope"]));

        Assert.Equal(["nope"], e.Unknown);
        Assert.Contains("local", e.Message);
        Assert.Contains("offline", e.Message);
    }

    [Fact]
    public void Blank_names_mean_no_selection()
    {
        Assert.Throws<TargetConfigurationException>(() => new BackupEnvironment(Options(), keys: Keys(), onlyTargets: ["", " "]));
    }

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { /* a temp directory; the OS cleans it */ }
    }
}
