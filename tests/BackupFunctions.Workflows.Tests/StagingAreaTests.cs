using System.Diagnostics;
using BackupFunctions.Workflows.Configuration;
using BackupFunctions.Workflows.Staging;

namespace BackupFunctions.Workflows.Tests;

/// <summary>
/// The staging directory is this account's alone (created 0700; refused when others may write to it
/// or another user owns it), and leftovers of killed runs are swept at start when no other process uses it.
/// </summary>
public sealed class StagingAreaTests : IDisposable
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private readonly string _root = Directory.CreateTempSubdirectory("bf-staging-").FullName;

    [Fact]
    public void The_default_is_under_the_accounts_own_state_directory_not_tmp()
    {
        var path = new BackupFunctionsOptions().StagingDirectory;

        Assert.EndsWith(Path.Combine("backupfunctions", "staging"), path, StringComparison.Ordinal);
        Assert.DoesNotContain("backupfunctions-staging", path, StringComparison.Ordinal);
        Assert.False(path.StartsWith(Path.GetTempPath(), StringComparison.Ordinal), path);
    }

    [Fact]
    public void A_missing_directory_is_created_owner_only()
    {
        var path = Path.Combine(_root, "a", "staging");

        StagingArea.Prepare(path);

        Assert.Equal(OwnerOnly, File.GetUnixFileMode(path));
    }

    [Theory]
    [InlineData(UnixFileMode.GroupWrite)]
    [InlineData(UnixFileMode.OtherWrite | UnixFileMode.OtherRead | UnixFileMode.OtherExecute)]
    public void A_directory_others_may_write_to_is_refused(UnixFileMode extra)
    {
        var path = Directory.CreateDirectory(Path.Combine(_root, "open")).FullName;
        File.SetUnixFileMode(path, OwnerOnly | extra);

        var e = Assert.Throws<InvalidOperationException>(() => StagingArea.Prepare(path));

        Assert.Contains($"chmod 700 '{path}'", e.Message);
        Assert.Contains("BackupFunctions:StagingDirectory", e.Message);
    }

    [Fact]
    public void A_directory_another_user_owns_is_refused()
    {
        // As root (CI, the test machines) the directory is given to 'nobody'; otherwise '/' is someone else's already.
        string path;
        if (Environment.UserName == "root")
        {
            path = Directory.CreateDirectory(Path.Combine(_root, "foreign")).FullName;
            File.SetUnixFileMode(path, OwnerOnly);
            using var chown = Process.Start("chown", ["65534", path]);
            chown.WaitForExit();
            Assert.Equal(0, chown.ExitCode);
        }
        else
        {
            path = "/";
        }

        var e = Assert.Throws<InvalidOperationException>(() => StagingArea.CreateOrCheck(path));

        Assert.Contains("belongs to another user", e.Message);
    }

    [Fact]
    public void Leftovers_of_killed_runs_are_swept_and_nothing_else()
    {
        var path = Path.Combine(_root, "sweep");
        Directory.CreateDirectory(path, OwnerOnly);
        var id = Guid.NewGuid().ToString("N");
        var leftovers = new[] { "20260101-full.bfa.partial", $"restore-{id}.dump", $"merge-{id}" };
        var leftoverDirs = new[] { $"dump-{id}.d", $"restore-{id}.d" };
        var kept = new[] { "20260101-full.bfa", "notes.txt", "restore-not-ours.dump" };
        var runStart = DateTime.UtcNow;
        foreach (var name in leftovers.Concat(kept)) Touch(Path.Combine(path, name), runStart.AddHours(-1));
        foreach (var name in leftoverDirs)
        {
            Directory.CreateDirectory(Path.Combine(path, name));
            Touch(Path.Combine(path, name, "1234.dat"), runStart.AddHours(-1));
            Directory.SetLastWriteTimeUtc(Path.Combine(path, name), runStart.AddHours(-1));
        }

        // Written after this run started: another run's, even though the name matches.
        var recent = $"restore-{Guid.NewGuid():N}.dump";
        Touch(Path.Combine(path, recent), runStart.AddMinutes(1));

        var swept = StagingArea.Prepare(path, runStart);

        Assert.Equal(leftovers.Concat(leftoverDirs).Order(StringComparer.Ordinal), swept.Order(StringComparer.Ordinal));
        Assert.Equal(kept.Append(recent).Append(StagingArea.LockFileName).Order(StringComparer.Ordinal),
            Directory.EnumerateFileSystemEntries(path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Nothing_is_swept_while_another_process_uses_the_directory()
    {
        var path = Path.Combine(_root, "busy");
        Directory.CreateDirectory(path, OwnerOnly);
        var leftover = Path.Combine(path, $"restore-{Guid.NewGuid():N}.dump");
        Touch(leftover, DateTime.UtcNow.AddHours(-1));
        File.WriteAllText(Path.Combine(path, StagingArea.LockFileName), "");
        // The shared lock another live process holds (flock locks of two open files conflict, even in one process).
        using var other = new FileStream(Path.Combine(path, StagingArea.LockFileName), FileMode.Open, FileAccess.Read, FileShare.ReadWrite);

        var swept = StagingArea.Prepare(path);

        Assert.Empty(swept);
        Assert.True(File.Exists(leftover));
    }

    private static void Touch(string path, DateTime lastWriteUtc)
    {
        File.WriteAllText(path, "x");
        File.SetLastWriteTimeUtc(path, lastWriteUtc);
    }

    public void Dispose()
    {
        if (Environment.UserName == "root" && Directory.Exists(Path.Combine(_root, "foreign")))
        {
            Directory.Delete(Path.Combine(_root, "foreign"));
        }

        Directory.Delete(_root, recursive: true);
    }
}
