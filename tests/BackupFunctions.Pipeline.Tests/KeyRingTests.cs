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
    public void ADirectoryRingPicksTheMarkedOrNewestKeyAsCurrent()
    {
        KeyFile.Generate(Path.Combine(_dir, "a.json"), "a");
        KeyFile.Generate(Path.Combine(_dir, "b.json"), "b");
        var ring = KeyRing.FromDirectory(_dir);
        Assert.Equal(["a", "b"], ring.KeyIds);
        Assert.Equal("b", ring.Current.KeyId);
        Assert.Equal("a", KeyRing.FromDirectory(_dir, "a").Current.KeyId);
        KeyFile.Generate(Path.Combine(_dir, "c.json"), "c");
        File.Delete(Path.Combine(_dir, "c.json"));
        KeyFile.Write(Path.Combine(_dir, "0-old-but-current.json"), KeyEncryptionKey.Generate("pinned"), current: true);
        Assert.Equal("pinned", KeyRing.FromDirectory(_dir).Current.KeyId);
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
