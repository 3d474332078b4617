using System.Formats.Tar;
using System.Text;
using BackupFunctions.Pipeline.DirectoryArchive;
using BackupFunctions.Pipeline.Manifests;

namespace BackupFunctions.Pipeline.Tests;

public sealed class PlainContentTests
{
    [Fact]
    public void Each_kind_of_plaintext_is_told_apart_by_its_first_bytes()
    {
        Assert.Equal(PlainContentKind.CustomArchive, PlainContent.Detect("PGDMP\u0001\u000e\u0000"u8));
        Assert.Equal(PlainContentKind.DirectoryBundle, PlainContent.Detect([.. DirectoryBundle.Magic, 0, 7]));
        Assert.Equal(PlainContentKind.SqlScript, PlainContent.Detect("--\n-- PostgreSQL database cluster dump\n"u8));
        Assert.Equal(PlainContentKind.Unknown, PlainContent.Detect("PK\u0003\u0004 a zip"u8));
        Assert.Equal(PlainContentKind.Empty, PlainContent.Detect([]));
        // Too short to hold tar's magic, and zeros that are not two whole end blocks.
        Assert.Equal(PlainContentKind.Unknown, PlainContent.Detect(new byte[100]));
    }

    [Fact]
    public void A_tar_stream_is_recognised_with_files_and_by_its_end_blocks_alone()
    {
        Assert.Equal(PlainContentKind.Tar, PlainContent.Detect(Prefix(Tar(("etc/postgresql.conf", "shared_buffers = 1GB\n")))));
        Assert.Equal(PlainContentKind.Tar, PlainContent.Detect(new byte[PlainContent.PrefixLength]));
    }

    [Fact]
    public void Only_a_files_backup_may_decode_to_nothing()
    {
        Assert.True(PlainContent.Fits(Manifest(BackupKind.Files, null), PlainContentKind.Empty));
        Assert.True(PlainContent.Fits(Manifest(BackupKind.Files, null), PlainContentKind.Tar));
        Assert.False(PlainContent.Fits(Manifest(BackupKind.Full, null), PlainContentKind.Empty));
        Assert.False(PlainContent.Fits(Manifest(BackupKind.Full, DumpFormats.Directory), PlainContentKind.CustomArchive));
    }

    [Theory]
    [InlineData(BackupKind.Full, null, PlainContentKind.CustomArchive)]
    [InlineData(BackupKind.Tenant, "custom", PlainContentKind.CustomArchive)]
    [InlineData(BackupKind.Full, DumpFormats.Directory, PlainContentKind.DirectoryBundle)]
    [InlineData(BackupKind.Files, null, PlainContentKind.Tar)]
    [InlineData(BackupKind.Globals, null, PlainContentKind.SqlScript)]
    public void A_manifest_says_which_kind_its_backup_must_decode_to(BackupKind kind, string? dumpFormat, PlainContentKind expected) =>
        Assert.Equal(expected, PlainContent.Expected(Manifest(kind, dumpFormat)));

    private static BackupManifest Manifest(BackupKind kind, string? dumpFormat) => new()
    {
        BackupId = "b", Kind = kind, Database = "d", CreatedAt = DateTimeOffset.UnixEpoch, ArtifactKey = "k", StoredSha256 = "s", PlainSha256 = "p",
        KeyId = "k1", DumpFormat = dumpFormat,
    };

    private static byte[] Tar(params (string Name, string Text)[] files)
    {
        using var buffer = new MemoryStream();
        using (var tar = new TarWriter(buffer, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var (name, text) in files)
                tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(text)) });
        }

        return buffer.ToArray();
    }

    private static byte[] Prefix(byte[] plain) => plain[..Math.Min(plain.Length, PlainContent.PrefixLength)];
}
