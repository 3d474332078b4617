using System.Security.Cryptography;
using BackupFunctions.Pipeline.Format;
using BackupFunctions.Pipeline.Keys;

namespace BackupFunctions.Pipeline.Tests;

public class EncoderTests
{
    private static readonly KeyRing Ring = new KeyRing().Add(TestKeys.Fixed("enc", 9), makeCurrent: true);

    private static byte[] Compressible(int size)
    {
        var sb = new System.Text.StringBuilder(size + 32);
        for (var i = 0; sb.Length < size; i++) sb.Append("row ").Append(i % 977).Append(" value;");
        return System.Text.Encoding.ASCII.GetBytes(sb.ToString())[..size];
    }

    [Theory]
    [InlineData(CompressionKind.Zstd, 0, 1)]
    [InlineData(CompressionKind.Zstd, 3_000_000, 1)]
    [InlineData(CompressionKind.Zstd, 0, 2)]
    // Three blocks of ParallelZstdStream: three frames, compressed on two threads, read as one stream.
    [InlineData(CompressionKind.Zstd, 9_000_000, 2)]
    [InlineData(CompressionKind.Zstd, 9_000_000, 4)]
    [InlineData(CompressionKind.Gzip, 1_000_000, 1)]
    [InlineData(CompressionKind.None, 1_000_000, 1)]
    public async Task EncodesAndVerifiesWithHashesAndSizes(CompressionKind compression, int size, int threads)
    {
        var plain = Compressible(size);
        using var output = new MemoryStream();
        var progress = new List<PipelineProgress>();
        var result = await ArtifactEncoder.EncodeAsync(new MemoryStream(plain), output,
            new ArtifactEncodeOptions(Ring.Current) { Compression = compression, CompressionThreads = threads, ChunkSize = 64 << 10, StageBufferBytes = 256 << 10 },
            progress: new SyncProgress(progress));
        var stored = output.ToArray();
        Assert.Equal(size, result.RawBytes);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(plain)), result.PlainSha256);
        Assert.Equal(stored.Length, result.StoredBytes);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(stored)), result.StoredSha256);
        if (compression != CompressionKind.None && size > 0) Assert.True(result.CompressedBytes < size / 3, $"{result.CompressedBytes} of {size}");
        Assert.Equal(size, progress.Last().PlainBytes);

        var verified = await ArtifactDecoder.VerifyAsync(new MemoryStream(stored), Ring, result.StoredSha256, result.PlainSha256);
        Assert.Equal(size, verified.PlainBytes);
        Assert.Equal(compression, verified.Compression);
        Assert.Equal(result.CompressedBytes, verified.CompressedBytes);

        using var decoded = new MemoryStream();
        await ArtifactDecoder.DecodeToAsync(new MemoryStream(stored), Ring, decoded, result.StoredSha256);
        Assert.Equal(plain, decoded.ToArray());
    }

    [Fact]
    public async Task AFailingSourceLeavesNoValidArtifact()
    {
        using var output = new MemoryStream();
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => ArtifactEncoder.EncodeAsync(new MemoryStream(Compressible(500_000)), output,
            new ArtifactEncodeOptions(Ring.Current) { ChunkSize = 4096 },
            sourceCompleted: _ => throw new InvalidOperationException("the producer failed")));
        Assert.Equal("the producer failed", e.Message);
        await Assert.ThrowsAsync<ArtifactIntegrityException>(() => ArtifactDecoder.VerifyAsync(new MemoryStream(output.ToArray()), Ring));
    }

    [Fact]
    public async Task VerifyRejectsAWrongPlainHash()
    {
        using var output = new MemoryStream();
        var r = await ArtifactEncoder.EncodeAsync(new MemoryStream(Compressible(10_000)), output, new ArtifactEncodeOptions(Ring.Current));
        var e = await Assert.ThrowsAsync<ArtifactIntegrityException>(() =>
            ArtifactDecoder.VerifyAsync(new MemoryStream(output.ToArray()), Ring, r.StoredSha256, new string('a', 64)));
        Assert.Contains("plain dump", e.Message);
    }

    [Fact]
    public async Task ASlowOutputHoldsTheSourceBack()
    {
        // 32 MiB of incompressible input into an output much slower than the source: the bounded
        // stages must make the source wait instead of buffering the difference in memory.
        var output = new SlowStream();
        var source = new GeneratedStream(32L << 20, output);
        await ArtifactEncoder.EncodeAsync(source, output, new ArtifactEncodeOptions(Ring.Current) { Compression = CompressionKind.None, StageBufferBytes = 1 << 20 });
        Assert.Equal(32L << 20, source.Position);
        // Two 1 MiB stage buffers, a chunk being sealed and read-size slack: a few MiB, not 32.
        Assert.True(source.MaxAheadOfOutput < 8L << 20, $"the source ran {source.MaxAheadOfOutput} bytes ahead of the output");
    }

    private sealed class SyncProgress(List<PipelineProgress> list) : IProgress<PipelineProgress>
    {
        public void Report(PipelineProgress value) { lock (list) list.Add(value); }
    }

    private sealed class GeneratedStream(long length, SlowStream output) : Stream
    {
        private long _pos;
        public long MaxAheadOfOutput { get; private set; }
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => length;
        public override long Position { get => _pos; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, length - _pos);
            Random.Shared.NextBytes(buffer.AsSpan(offset, n));
            _pos += n;
            MaxAheadOfOutput = Math.Max(MaxAheadOfOutput, _pos - output.Written);
            return n;
        }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    private sealed class SlowStream : Stream
    {
        private long _written;
        public long Written => Interlocked.Read(ref _written);
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct = default)
        {
            await Task.Delay(1, ct);
            Interlocked.Add(ref _written, buffer.Length);
        }
    }
}
