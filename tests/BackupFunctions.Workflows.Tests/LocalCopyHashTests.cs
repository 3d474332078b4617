using System.Security.Cryptography;
using BackupFunctions.Targets;
using BackupFunctions.Workflows.Operations;
using BackupFunctions.Workflows.Tests.Support;

namespace BackupFunctions.Workflows.Tests;

/// <summary>
/// Issue 17, one pass: a local copy is checked by the hash the target computed while writing it, not by reading it
/// back a second time; the hash in the manifest is still the stored bytes' SHA-256, and a copy with other bytes is
/// still refused.
/// </summary>
[Collection(SampleDatabaseCollection.Name)]
public sealed class LocalCopyHashTests(SampleDatabaseFixture sample)
{
    [Fact]
    public async Task A_local_copy_is_verified_without_being_read_back_and_the_manifest_hash_is_the_stored_bytes_sha256()
    {
        await using var targets = await ThreeTargets.CreateAsync(sample.Name);
        var local = BackupTargetFactory.CreateAll(targets.Options.Targets).Single(t => t.Name == ThreeTargets.Local);
        var counted = new FaultyTarget(local);
        var env = new BackupEnvironment(targets.Options, targets: [counted]);

        var backup = await new DirectBackupRunner(env).RunAsync(null, [ThreeTargets.Local]);

        Assert.Equal(BackupRunStatus.Succeeded, backup.Status);
        Assert.True(Assert.Single(backup.Copies).Verified);
        var key = backup.Manifest!.ArtifactKey;
        Assert.DoesNotContain(key, counted.Reads);
        // Independent of every code path under test: the file on disk, hashed here.
        var stored = await File.ReadAllBytesAsync(Path.Combine(targets.LocalPath, key));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(stored)), backup.Manifest.StoredSha256);
        Assert.Equal(stored.Length, backup.Manifest.StoredBytes);
    }

    [Fact]
    public async Task A_local_copy_whose_written_bytes_differ_from_the_artifact_is_not_verified_and_gets_no_manifest()
    {
        await using var targets = await ThreeTargets.CreateAsync(sample.Name);
        var local = BackupTargetFactory.CreateAll(targets.Options.Targets).Single(t => t.Name == ThreeTargets.Local);
        var env = new BackupEnvironment(targets.Options, targets: [new CorruptingTarget(local, flipAt: 5000)]);

        var backup = await new DirectBackupRunner(env).RunAsync(null, [ThreeTargets.Local]);

        Assert.Equal(BackupRunStatus.Failed, backup.Status);
        var copy = Assert.Single(backup.Copies);
        Assert.False(copy.Verified);
        Assert.Contains("SHA-256 mismatch", copy.Error);
        Assert.DoesNotContain(Directory.EnumerateFiles(targets.LocalPath, "*", SearchOption.AllDirectories), f => f.EndsWith("manifest.json", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Damage_to_a_local_copy_after_the_backup_is_found_when_it_is_read_back()
    {
        await using var targets = await ThreeTargets.CreateAsync(sample.Name);
        var env = targets.Environment();
        var backup = await new DirectBackupRunner(env).RunAsync(null, [ThreeTargets.Local]);
        Assert.Equal(BackupRunStatus.Succeeded, backup.Status);
        var key = backup.Manifest!.ArtifactKey;
        var path = Path.Combine(targets.LocalPath, key);
        var bytes = await File.ReadAllBytesAsync(path);
        bytes[bytes.Length / 2] ^= 0x10;
        await File.WriteAllBytesAsync(path, bytes);

        // What `verify` and the integrity checks do: they always read the copy back.
        var check = await VerifyCopy.RunAsync(env.FindTarget(ThreeTargets.Local)!, key, backup.Manifest.StoredSha256);

        Assert.False(check.Verified);
        Assert.Contains("SHA-256 mismatch", check.Error);
    }

    [Fact]
    public void A_written_hash_is_compared_case_insensitively_and_a_copy_without_one_must_be_read_back()
    {
        var upload = new CopyOutcome("local", "k", true, false, 10, TimeSpan.Zero, null) { WrittenSha256 = new string('a', 64) };

        Assert.True(VerifyCopy.FromWrite(upload, new string('A', 64))!.Verified);
        Assert.False(VerifyCopy.FromWrite(upload, new string('b', 64))!.Verified);
        Assert.Null(VerifyCopy.FromWrite(upload with { WrittenSha256 = null }, new string('a', 64)));
    }

    /// <summary>Changes one byte of every put's content on its way to the real target (storage that writes other bytes).</summary>
    private sealed class CorruptingTarget(IBackupTarget inner, long flipAt) : IBackupTarget
    {
        public string Name => inner.Name;

        public Task<TargetObjectInfo> PutAsync(string key, Stream content, PutOptions? options = null, CancellationToken ct = default) =>
            key.EndsWith(".bfa", StringComparison.Ordinal) ? inner.PutAsync(key, new FlippingStream(content, flipAt), options, ct) : inner.PutAsync(key, content, options, ct);

        public Task<Stream> OpenReadAsync(string key, ByteRange? range = null, CancellationToken ct = default) => inner.OpenReadAsync(key, range, ct);

        public Task<TargetObjectInfo?> StatAsync(string key, CancellationToken ct = default) => inner.StatAsync(key, ct);

        public IAsyncEnumerable<TargetObjectInfo> ListAsync(string prefix, CancellationToken ct = default) => inner.ListAsync(prefix, ct);

        public Task DeleteAsync(string key, CancellationToken ct = default) => inner.DeleteAsync(key, ct);
    }

    private sealed class FlippingStream(Stream inner, long flipAt) : Stream
    {
        private long _position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var n = inner.Read(buffer);
            Flip(buffer[..n]);
            return n;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var n = await inner.ReadAsync(buffer, cancellationToken);
            Flip(buffer.Span[..n]);
            return n;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        private void Flip(Span<byte> read)
        {
            if (flipAt >= _position && flipAt < _position + read.Length) read[(int)(flipAt - _position)] ^= 0x01;
            _position += read.Length;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
