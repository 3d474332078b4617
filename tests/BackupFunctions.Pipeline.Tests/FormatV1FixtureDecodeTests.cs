using System.Text.Json;
using BackupFunctions.Pipeline.Format;
using BackupFunctions.Pipeline.Keys;
using BackupFunctions.Pipeline.Manifests;
using BackupFunctions.Testing;

namespace BackupFunctions.Pipeline.Tests;

/// <summary>
/// The real format-1 backup kept in tests/BackupFunctions.Cli.Tests/Fixtures/format-v1 (written before
/// manifests were signed) still reads: its manifest as unsigned, its artifact and globals decode and
/// match the manifest. (The CLI restores it into PostgreSQL in FormatV1FixtureTests.)
/// </summary>
public class FormatV1FixtureDecodeTests
{
    private static readonly string Fixture = Path.Combine(RepoPaths.Root, "tests", "BackupFunctions.Cli.Tests", "Fixtures", "format-v1");
    private static readonly string Folder = Path.Combine(Fixture, "target", "backups", "fixture_v1", "2026", "12", "05", "20261205T140802Z-ae63f7fb");

    private static KeyRing FixtureRing()
    {
        var key = JsonDocument.Parse(File.ReadAllText(Path.Combine(Fixture, "kek.json"))).RootElement;
        return new KeyRing().Add(KeyEncryptionKey.FromBase64(key.GetProperty("keyId").GetString()!, key.GetProperty("key").GetString()!), makeCurrent: true);
    }

    [Fact]
    public async Task The_old_manifest_reads_as_unsigned_and_its_artifact_and_globals_decode()
    {
        var ring = FixtureRing();
        var read = ManifestReader.Read(await File.ReadAllBytesAsync(Path.Combine(Folder, "manifest.json")), ring);
        Assert.Equal(ManifestTrust.Unsigned, read.Trust);
        var m = read.Manifest;
        Assert.Equal(1, m.ManifestVersion);
        Assert.Equal(1, m.FormatVersion);
        Assert.Equal(120, m.RowCounts["shop.orders"]);

        await using (var artifact = File.OpenRead(Path.Combine(Folder, "artifact.bfa")))
        {
            var verified = await ArtifactDecoder.VerifyAsync(artifact, ring, m.StoredSha256, m.PlainSha256, expected: m.Expectation());
            Assert.Equal(1, verified.FormatVersion);
            Assert.True(verified.IsPgDumpArchive);
            Assert.Equal(m.RawBytes, verified.PlainBytes);
        }

        using var globals = new MemoryStream();
        await ArtifactDecoder.DecodeToAsync(new MemoryStream(Convert.FromBase64String(m.GlobalsArtifact!)), ring, globals, m.GlobalsSha256,
            expected: m.Expectation());
        Assert.Contains("CREATE ROLE", System.Text.Encoding.UTF8.GetString(globals.ToArray()));
    }

    [Fact]
    public async Task The_old_artifact_is_refused_under_a_manifest_that_claims_format_2()
    {
        var ring = FixtureRing();
        var m = ManifestReader.Read(await File.ReadAllBytesAsync(Path.Combine(Folder, "manifest.json")), ring).Manifest;
        await using var artifact = File.OpenRead(Path.Combine(Folder, "artifact.bfa"));
        var e = await Assert.ThrowsAsync<ArtifactIntegrityException>(() =>
            ArtifactDecoder.VerifyAsync(artifact, ring, expected: m.Expectation() with { FormatVersion = 2 }));
        Assert.Contains("rolled back", e.Message);
    }
}
