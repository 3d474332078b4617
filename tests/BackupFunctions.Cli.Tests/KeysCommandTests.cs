using System.Text.Json;
using BackupFunctions.Cli.Tests.Support;
using BackupFunctions.Pipeline.Keys;

namespace BackupFunctions.Cli.Tests;

/// <summary>backupctl keys: --force replaces as documented, keys use is what changes a directory's current key, open key files are refused.</summary>
public sealed class KeysCommandTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("bf-keyscmd-").FullName;

    [Fact]
    public async Task Keys_new_force_replaces_the_key_and_keeps_the_old_file_beside_it()
    {
        var path = Path.Combine(_root, "kek.json");
        var first = await Backupctl.RunAsync("keys", "new", "--id", "first", "--out", path);
        var before = await File.ReadAllTextAsync(path);

        var forced = await Backupctl.RunAsync("keys", "new", "--id", "second", "--out", path, "--force", "--json");

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.True(forced.ExitCode == 0, forced.ToString());
        Assert.Equal("second", KeyFile.Read(path).Key.KeyId);
        var kept = forced.Json.GetProperty("replacedKeptAs").GetString()!;
        Assert.Equal(before, await File.ReadAllTextAsync(kept));
        Assert.Equal("first", KeyFile.Read(kept).Key.KeyId);
    }

    [Fact]
    public async Task Keys_use_is_what_makes_a_dropped_key_current()
    {
        var dir = Directory.CreateDirectory(Path.Combine(_root, "keys")).FullName;
        File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        KeyFile.Generate(Path.Combine(dir, "a.json"), "a", current: true);
        Assert.Equal("a", KeyRing.FromDirectory(dir).Current.KeyId);
        KeyFile.Write(Path.Combine(dir, "b.json"), KeyEncryptionKey.Generate("b"), current: true);
        Assert.Equal("a", KeyRing.FromDirectory(dir).Current.KeyId);

        var unknown = await Backupctl.RunAsync("keys", "use", "zzz", "--dir", dir);
        var use = await Backupctl.RunAsync("keys", "use", "b", "--dir", dir);

        Assert.True(unknown.ExitCode == 2, unknown.ToString());
        Assert.Contains("'zzz'", unknown.Stderr);
        Assert.True(use.ExitCode == 0, use.ToString());
        Assert.Equal("b", KeyRing.FromDirectory(dir).Current.KeyId);
    }

    [Fact]
    public async Task A_world_readable_key_file_is_refused_with_exit_2_and_the_chmod_fix()
    {
        var key = Path.Combine(_root, "open.json");
        KeyFile.Generate(key, "open");
        File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var config = Path.Combine(_root, "backupfunctions.json");
        await File.WriteAllTextAsync(config, JsonSerializer.Serialize(new
        {
            BackupFunctions = new
            {
                Source = new { ConnectionString = "Host=127.0.0.1;Port=1;Username=nobody;Database=none" },
                Keys = new { KeyFile = key },
                StagingDirectory = Path.Combine(_root, "staging"),
                Targets = new[] { new { Name = "local", Type = "filesystem", Path = Path.Combine(_root, "local") } },
            },
        }));

        var run = await Backupctl.RunAsync("list", "--config", config);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains(key, run.Stderr);
        Assert.Contains("chmod 600", run.Stderr);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
