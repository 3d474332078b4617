using System.Diagnostics;
using System.IO.Pipelines;
using System.Security.Cryptography;
using BackupFunctions.Pipeline.Format;
using BackupFunctions.Pipeline.Streams;

namespace BackupFunctions.Pipeline;

/// <summary>
/// Plaintext stream → compression → chunked AES-256-GCM → SHA-256 → output stream, as three stages
/// joined by bounded pipes (System.IO.Pipelines with pause thresholds), so a fast stage waits for a
/// slow one instead of piling memory up. Memory is constant in the size of the data.
/// </summary>
public static class ArtifactEncoder
{
    private const int ReadSize = 256 << 10;

    /// <summary>
    /// Encodes <paramref name="source"/> into <paramref name="output"/>.
    /// </summary>
    /// <param name="sourceCompleted">
    /// Awaited after the source reaches its end and before the final chunk is written: throw from it
    /// (e.g. pg_dump exited non-zero) and the artifact is left without its final chunk, which every
    /// reader rejects.
    /// </param>
    /// <param name="abortSource">
    /// Called once if the run fails or is cancelled, to unblock a source read that cannot observe a
    /// cancellation token (e.g. kill the process whose stdout is the source).
    /// </param>
    public static async Task<ArtifactEncodeResult> EncodeAsync(Stream source, Stream output, ArtifactEncodeOptions options,
        Func<CancellationToken, Task>? sourceCompleted = null, IProgress<PipelineProgress>? progress = null, CancellationToken ct = default,
        Action? abortSource = null)
    {
        ArgumentNullException.ThrowIfNull(options.Key);
        ArtifactHeader.ValidateChunkSize(options.ChunkSize);
        CompressionCodec.ValidateLevel(options.Compression, options.EffectiveLevel);
        var sw = Stopwatch.StartNew();
        var pipeOptions = new PipeOptions(
            pauseWriterThreshold: options.StageBufferBytes,
            resumeWriterThreshold: options.StageBufferBytes / 2,
            minimumSegmentSize: 64 << 10,
            useSynchronizationContext: false);
        var plainPipe = new Pipe(pipeOptions);
        var storedPipe = new Pipe(pipeOptions);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var failure = new FirstFailure(cts);
        await using var abort = abortSource is null ? default : cts.Token.Register(abortSource);
        var plainHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long rawBytes = 0, compressedBytes = 0, storedBytes = 0;
        string? storedSha = null;
        var reporter = new ProgressReporter(progress);

        // Stage 1: read the source, hash the plaintext. The reads are blocking, on a thread of their
        // own: a child's stdout delivers ~4-8 KiB per wake-up (its stdio buffer), and a blocking read
        // costs far less per wake-up than an async one (measured ~1.6x faster end to end for pg_dump).
        // Small reads are gathered into one block before the next stage is woken: one hand-off per
        // ~4 KiB read cost more CPU than the compression itself.
        void PumpSource()
        {
            var writer = plainPipe.Writer;
            var ended = false;
            while (!ended)
            {
                cts.Token.ThrowIfCancellationRequested();
                var memory = writer.GetMemory(ReadSize);
                var filled = 0;
                while (filled < memory.Length)
                {
                    var n = source.Read(memory.Span[filled..]);
                    if (n == 0)
                    {
                        ended = true;
                        break;
                    }

                    filled += n;
                }

                if (filled == 0) break;
                plainHash.AppendData(memory.Span[..filled]);
                rawBytes += filled;
                writer.Advance(filled);
                reporter.Plain(rawBytes);
                // This thread exists to block: waiting here for the next stage is the back-pressure.
                var flush = writer.FlushAsync(cts.Token).AsTask().GetAwaiter().GetResult();
                if (flush.IsCompleted || flush.IsCanceled) throw new OperationCanceledException(cts.Token);
            }
        }

        async Task ReadSourceAsync()
        {
            var writer = plainPipe.Writer;
            try
            {
                await Task.Factory.StartNew(PumpSource, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).ConfigureAwait(false);
                if (sourceCompleted is not null) await sourceCompleted(cts.Token).ConfigureAwait(false);
                await writer.CompleteAsync().ConfigureAwait(false);
            }
            catch (Exception e)
            {
                failure.Set(e);
                await writer.CompleteAsync(e).ConfigureAwait(false);
            }
        }

        // Stage 2: compress and encrypt.
        async Task CompressEncryptAsync()
        {
            var reader = plainPipe.Reader;
            var sink = storedPipe.Writer.AsStream(leaveOpen: true);
            try
            {
                await using var artifact = new ArtifactWriter(sink, options.Key, options.Compression, options.EffectiveLevel, options.ChunkSize,
                    identity: options.Identity);
                var metered = new MeteredStream(artifact, hash: false);
                var compressor = CompressionCodec.CreateCompressor(options.Compression, options.EffectiveLevel, metered, options.CompressionThreads);
                var compressorOpen = true;
                try
                {
                    while (true)
                    {
                        var result = await reader.ReadAsync(cts.Token).ConfigureAwait(false);
                        foreach (var segment in result.Buffer)
                            await compressor.WriteAsync(segment, cts.Token).ConfigureAwait(false);
                        reader.AdvanceTo(result.Buffer.End);
                        if (result.IsCompleted) break;
                    }
                    // Disposing the compressor writes the end of the compressed stream.
                    compressorOpen = false;
                    await compressor.DisposeAsync().ConfigureAwait(false);
                    compressedBytes = metered.Bytes;
                    await artifact.CompleteAsync(cts.Token).ConfigureAwait(false);
                }
                finally
                {
                    // On failure: release the compressor's buffers; whatever it flushes lands in an
                    // artifact that never gets its final chunk.
                    if (compressorOpen)
                        try { await compressor.DisposeAsync().ConfigureAwait(false); } catch (Exception) { /* the first failure is what matters */ }
                }
                await reader.CompleteAsync().ConfigureAwait(false);
                await storedPipe.Writer.CompleteAsync().ConfigureAwait(false);
            }
            catch (Exception e)
            {
                failure.Set(e);
                await reader.CompleteAsync(e).ConfigureAwait(false);
                await storedPipe.Writer.CompleteAsync(e).ConfigureAwait(false);
            }
        }

        // Stage 3: hash the stored bytes and write them out.
        async Task HashWriteAsync()
        {
            var reader = storedPipe.Reader;
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            try
            {
                while (true)
                {
                    var result = await reader.ReadAsync(cts.Token).ConfigureAwait(false);
                    foreach (var segment in result.Buffer)
                    {
                        hash.AppendData(segment.Span);
                        await output.WriteAsync(segment, cts.Token).ConfigureAwait(false);
                        storedBytes += segment.Length;
                    }
                    reader.AdvanceTo(result.Buffer.End);
                    reporter.Stored(storedBytes);
                    if (result.IsCompleted) break;
                }
                await output.FlushAsync(cts.Token).ConfigureAwait(false);
                storedSha = Convert.ToHexStringLower(hash.GetHashAndReset());
                await reader.CompleteAsync().ConfigureAwait(false);
            }
            catch (Exception e)
            {
                failure.Set(e);
                await reader.CompleteAsync(e).ConfigureAwait(false);
            }
        }

        try
        {
            await Task.WhenAll(
                Task.Run(ReadSourceAsync, CancellationToken.None),
                Task.Run(CompressEncryptAsync, CancellationToken.None),
                Task.Run(HashWriteAsync, CancellationToken.None)).ConfigureAwait(false);
            failure.ThrowIfAny();
            reporter.Final(rawBytes, storedBytes);
            return new ArtifactEncodeResult(rawBytes, Convert.ToHexStringLower(plainHash.GetHashAndReset()), compressedBytes, storedBytes,
                storedSha!, options.Key.KeyId, options.Compression, options.EffectiveLevel, options.ChunkSize, ArtifactHeader.CurrentVersion, sw.Elapsed);
        }
        finally
        {
            plainHash.Dispose();
        }
    }
}
