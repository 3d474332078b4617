using System.Collections;
using BackupFunctions.Pipeline.Keys;

namespace BackupFunctions.Pipeline.Tests;

public sealed class KeyRingTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bf-keys-").FullName;

    [Fact]
    public void GeneratedKeyFilesAreOwnerOnlyAndNeverOverwritten()
    {
        var path = Path.Combine(_dir, "main.json");
        var key = KeyFile.Generate(path, "main-2026");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        var read = KeyFile.Read(path);
        Assert.Equal("main-2026", read.Key.KeyId);
        Assert.True(read.Key.KeyBytes.SequenceEqual(key.KeyBytes));
        var e = Assert.Throws<IOException>(() => KeyFile.Generate(path, "main-2026"));
        Assert.Contains("refusing to overwrite", e.Message);
        Assert.True(KeyFile.Read(path).Key.KeyBytes.SequenceEqual(key.KeyBytes));
    }

    [Fact]
    public void KeyMaterialNeverAppearsInStrings()
    {
        var key = KeyEncryptionKey.Generate("k");
        var b64 = key.ToBase64();
        Assert.DoesNotContain(b64, key.ToString());
        var ring = new KeyRing().Add(key, makeCurrent: true);
        Assert.DoesNotContain(b64, ring.ToString());
    }

    [Fact]
    public void A_directory_without_a_marker_keeps_its_old_pick_once_and_writes_the_marker()
    {
        KeyFile.Generate(Path.Combine(_dir, "a.json"), "a");
        KeyFile.Generate(Path.Combine(_dir, "b.json"), "b");
        Assert.False(File.Exists(Path.Combine(_dir, KeyDirectory.CurrentMarker)));

        var ring = KeyRing.FromDirectory(_dir);

        Assert.Equal(["a", "b"], ring.KeyIds);
        Assert.Equal("b", ring.Current.KeyId);
        Assert.Equal("b\n", File.ReadAllText(Path.Combine(_dir, KeyDirectory.CurrentMarker)));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_dir, KeyDirectory.CurrentMarker)));
        Assert.Equal("a", KeyRing.FromDirectory(_dir, "a").Current.KeyId);
    }

    [Fact]
    public void A_key_file_dropped_into_the_directory_never_becomes_current_by_itself()
    {
        KeyFile.Generate(Path.Combine(_dir, "a.json"), "a", current: true);
        Assert.Equal("a", KeyRing.FromDirectory(_dir).Current.KeyId);

        // Newer, and claiming to be current: before markers, either would have taken over.
        KeyFile.Write(Path.Combine(_dir, "0-dropped.json"), KeyEncryptionKey.Generate("dropped"), current: true);
        var ring = KeyRing.FromDirectory(_dir);

        Assert.Equal("a", ring.Current.KeyId);
        Assert.Contains("dropped", ring.KeyIds);
        Assert.True(KeyDirectory.Use(_dir, "dropped"));
        Assert.Equal("dropped", KeyRing.FromDirectory(_dir).Current.KeyId);
        Assert.False(KeyDirectory.Use(_dir, "nobody-has-this"));
        Assert.Equal("dropped", KeyRing.FromDirectory(_dir).Current.KeyId);
    }

    [Fact]
    public void A_marker_naming_a_missing_key_is_refused_with_the_fix()
    {
        KeyFile.Generate(Path.Combine(_dir, "a.json"), "a");
        File.WriteAllText(Path.Combine(_dir, KeyDirectory.CurrentMarker), "gone\n");

        var e = Assert.Throws<InvalidOperationException>(() => KeyRing.FromDirectory(_dir));

        Assert.Contains("'gone'", e.Message);
        Assert.Contains("keys use", e.Message);
    }

    [Theory]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead)]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead)]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupWrite)]
    public void A_key_file_other_users_can_read_or_change_is_refused_with_the_chmod_fix(UnixFileMode mode)
    {
        var path = Path.Combine(_dir, "open.json");
        KeyFile.Generate(path, "open");
        File.SetUnixFileMode(path, mode);

        var e = Assert.Throws<InsecureKeyFileException>(() => KeyRing.FromFile(path));

        Assert.Contains(path, e.Message);
        Assert.Contains($"chmod 600 '{path}'", e.Message);
        Assert.Throws<InsecureKeyFileException>(() => KeyRing.FromDirectory(_dir));
        File.SetUnixFileMode(path, UnixFileMode.UserRead);
        Assert.Equal("open", KeyRing.FromFile(path).Current.KeyId);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        Assert.Equal("open", KeyRing.FromFile(path).Current.KeyId);
    }

    [Fact]
    public void A_key_directory_others_can_write_to_is_refused()
    {
        KeyFile.Generate(Path.Combine(_dir, "a.json"), "a");
        File.SetUnixFileMode(_dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute);

        var e = Assert.Throws<InsecureKeyFileException>(() => KeyRing.FromDirectory(_dir));

        Assert.Contains($"chmod 700 '{_dir}'", e.Message);
    }

    [Fact]
    public void Replacing_a_key_file_writes_the_new_key_and_keeps_the_old_one_beside_it()
    {
        var path = Path.Combine(_dir, "main.json");
        var old = KeyFile.Generate(path, "old");

        var kept = KeyFile.Replace(path, KeyEncryptionKey.Generate("new"), current: true);

        Assert.Equal("new", KeyFile.Read(path).Key.KeyId);
        Assert.True(KeyFile.Read(kept).Key.KeyBytes.SequenceEqual(old.KeyBytes));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(kept));
        Assert.Equal(["main.json", Path.GetFileName(kept)], Directory.GetFiles(_dir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void TheEnvironmentRingReadsBfKekVariables()
    {
        var k1 = Convert.ToBase64String(Enumerable.Repeat((byte)1, 32).ToArray());
        var k2 = Convert.ToBase64String(Enumerable.Repeat((byte)2, 32).ToArray());
        var env = new Hashtable { ["BF_KEK_old"] = k1, ["BF_KEK_new"] = k2, ["BF_KEK_CURRENT"] = "new", ["PATH"] = "/bin" };
        var ring = KeyRing.FromEnvironment(env);
        Assert.Equal(["new", "old"], ring.KeyIds);
        Assert.Equal("new", ring.Current.KeyId);
        Assert.Equal("only", KeyRing.FromEnvironment(new Hashtable { ["BF_KEK_only"] = k1 }).Current.KeyId);
        var bad = Assert.Throws<FormatException>(() => KeyRing.FromEnvironment(new Hashtable { ["BF_KEK_x"] = "not base64!" }));
        Assert.Contains("'x'", bad.Message);
    }

    [Fact]
    public void RingRulesAreEnforced()
    {
        Assert.Throws<ArgumentException>(() => new KeyEncryptionKey("short", new byte[16]));
        Assert.Throws<ArgumentException>(() => new KeyEncryptionKey("has space", new byte[32]));
        var ring = new KeyRing().Add(TestKeys.Fixed("a", 1));
        Assert.Throws<ArgumentException>(() => ring.Add(TestKeys.Fixed("a", 2)));
        Assert.Throws<UnknownKeyException>(() => ring.SetCurrent("zzz"));
        var empty = Assert.Throws<InvalidOperationException>(() => new KeyRing().Current);
        Assert.Contains("keys new", empty.Message);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
