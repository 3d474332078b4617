using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Security.Cryptography;
using BackupFunctions.Pipeline.Format;
using BackupFunctions.Pipeline.Keys;
using BackupFunctions.Pipeline.Streams;

namespace BackupFunctions.Pipeline;

/// <summary>
/// Artifact stream → (hash, authenticate, decrypt) → decompress → a plaintext sink, with the read
/// from the source in its own stage behind a bounded pipe (so a slow download and the CPU work
/// overlap). Also <see cref="VerifyAsync"/>: the same path into nothing.
/// </summary>
public static class ArtifactDecoder
{
    private const int CopySize = 128 << 10;

    internal sealed record Decoded(ArtifactHeader Header, long StoredBytes, string StoredSha256, long CompressedBytes, long PlainBytes,
        string PlainSha256, PlainContentKind Content, TimeSpan Duration);

    /// <summary>
    /// Decodes <paramref name="artifact"/> into <paramref name="sink"/>. Throws
    /// <see cref="ArtifactIntegrityException"/>, <see cref="UnknownKeyException"/> or
    /// <see cref="WrongKeyException"/>; on any failure the sink may have received a prefix of the
    /// plaintext, but never the end of it.
    /// </summary>
    internal static async Task<Decoded> DecodeAsync(Stream artifact, KeyRing keys, string? expectedStoredSha256, string? expectedPlainSha256,
        Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> sink, int stageBufferBytes, IProgress<PipelineProgress>? progress, CancellationToken ct,
        ArtifactExpectation? expected = null)
    {
        var sw = Stopwatch.StartNew();
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: stageBufferBytes, resumeWriterThreshold: stageBufferBytes / 2,
            minimumSegmentSize: 64 << 10, useSynchronizationContext: false));
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var failure = new FirstFailure(cts);
        Decoded? decoded = null;
        var reporter = new ProgressReporter(progress);

        async Task DownloadAsync()
        {
            var writer = pipe.Writer;
            try
            {
                while (true)
                {
                    var memory = writer.GetMemory(CopySize);
                    var n = await artifact.ReadAsync(memory, cts.Token).ConfigureAwait(false);
                    if (n == 0) break;
                    writer.Advance(n);
                    var flush = await writer.FlushAsync(cts.Token).ConfigureAwait(false);
                    if (flush.IsCompleted || flush.IsCanceled) throw new OperationCanceledException(cts.Token);
                }
                await writer.CompleteAsync().ConfigureAwait(false);
            }
            catch (Exception e)
            {
                failure.Set(e);
                await writer.CompleteAsync(e).ConfigureAwait(false);
            }
        }

        async Task DecodeStageAsync()
        {
            var source = pipe.Reader.AsStream(leaveOpen: true);
            var buffer = ArrayPool<byte>.Shared.Rent(CopySize);
            try
            {
                await using var reader = await ArtifactReader.OpenAsync(source, keys, expectedStoredSha256, leaveOpen: true, cts.Token, expected).ConfigureAwait(false);
                var compressed = new MeteredStream(reader, hash: false);
                await using var plain = CompressionCodec.CreateDecompressor(reader.Header.Compression, compressed);
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                long plainBytes = 0;
                var first = new byte[PlainContent.PrefixLength];
                var firstLen = 0;
                while (true)
                {
                    int n;
                    try
                    {
                        n = await plain.ReadAsync(buffer.AsMemory(0, CopySize), cts.Token).ConfigureAwait(false);
                    }
                    catch (Exception e) when (e is InvalidDataException or ZstdSharp.ZstdException or EndOfStreamException)
                    {
                        throw new ArtifactIntegrityException($"The artifact decrypted correctly but its {CompressionCodec.Name(reader.Header.Compression)} data does not decompress: {e.Message}. It was written damaged; use another backup.", e);
                    }
                    if (n == 0) break;
                    hash.AppendData(buffer, 0, n);
                    if (firstLen < first.Length)
                    {
                        var take = Math.Min(first.Length - firstLen, n);
                        buffer.AsSpan(0, take).CopyTo(first.AsSpan(firstLen));
                        firstLen += take;
                    }
                    plainBytes += n;
                    await sink(buffer.AsMemory(0, n), cts.Token).ConfigureAwait(false);
                    reporter.Plain(plainBytes);
                    reporter.Stored(reader.StoredBytes);
                }
                if (!reader.Finished)
                {
                    // The compressed stream ended early; anything after it would be unauthenticated trailing data.
                    var trailing = await reader.ReadAsync(buffer.AsMemory(0, CopySize), cts.Token).ConfigureAwait(false);
                    if (trailing > 0 || !reader.Finished)
                        throw new ArtifactIntegrityException("The artifact holds data after the end of its compressed stream; it was not written by BackupFunctions or is damaged.");
                }
                var plainSha = Convert.ToHexStringLower(hash.GetHashAndReset());
                if (expectedPlainSha256 is not null && !string.Equals(expectedPlainSha256.Trim(), plainSha, StringComparison.OrdinalIgnoreCase))
                    throw new ArtifactIntegrityException($"The plain dump's SHA-256 is {plainSha} but the manifest says {expectedPlainSha256}: the artifact does not hold the backup the manifest describes.");
                reporter.Final(plainBytes, reader.StoredBytes);
                decoded = new Decoded(reader.Header, reader.StoredBytes, reader.StoredSha256!, compressed.Bytes, plainBytes, plainSha,
                    PlainContent.Detect(first.AsSpan(0, firstLen)), sw.Elapsed);
                await pipe.Reader.CompleteAsync().ConfigureAwait(false);
            }
            catch (Exception e)
            {
                failure.Set(e);
                await pipe.Reader.CompleteAsync(e).ConfigureAwait(false);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        await Task.WhenAll(Task.Run(DownloadAsync, CancellationToken.None), Task.Run(DecodeStageAsync, CancellationToken.None)).ConfigureAwait(false);
        failure.ThrowIfAny();
        return decoded!;
    }

    /// <summary>
    /// Reads the whole artifact, authenticating and decompressing it into nothing, and checks the
    /// expected hashes: what `backupctl verify` runs. Throws <see cref="ArtifactIntegrityException"/> on any damage.
    /// </summary>
    public static async Task<VerifyResult> VerifyAsync(Stream artifact, KeyRing keys, string? expectedStoredSha256 = null,
        string? expectedPlainSha256 = null, IProgress<PipelineProgress>? progress = null, CancellationToken ct = default,
        ArtifactExpectation? expected = null)
    {
        var d = await DecodeAsync(artifact, keys, expectedStoredSha256, expectedPlainSha256, static (_, _) => ValueTask.CompletedTask,
            4 << 20, progress, ct, expected).ConfigureAwait(false);
        return new VerifyResult(d.StoredBytes, d.StoredSha256, d.CompressedBytes, d.PlainBytes, d.PlainSha256, d.Header.KeyId,
            d.Header.Compression, d.Header.ChunkSize, d.Header.Version, d.Content, d.Duration);
    }

    /// <summary>Decodes an artifact into a plaintext stream (e.g. to a file for inspection).</summary>
    public static async Task<VerifyResult> DecodeToAsync(Stream artifact, KeyRing keys, Stream plaintext, string? expectedStoredSha256 = null,
        IProgress<PipelineProgress>? progress = null, CancellationToken ct = default, ArtifactExpectation? expected = null)
    {
        var d = await DecodeAsync(artifact, keys, expectedStoredSha256, null, (m, t) => plaintext.WriteAsync(m, t), 4 << 20, progress, ct, expected).ConfigureAwait(false);
        await plaintext.FlushAsync(ct).ConfigureAwait(false);
        return new VerifyResult(d.StoredBytes, d.StoredSha256, d.CompressedBytes, d.PlainBytes, d.PlainSha256, d.Header.KeyId,
            d.Header.Compression, d.Header.ChunkSize, d.Header.Version, d.Content, d.Duration);
    }
}
