using System.IO.Pipelines;
using BackupFunctions.Pipeline.DirectoryArchive;
using BackupFunctions.Pipeline.Keys;
using BackupFunctions.Pipeline.Streams;

namespace BackupFunctions.Pipeline;

/// <summary>
/// Decodes an artifact, with every check of <see cref="ArtifactDecoder"/>, into a file that pg_restore can
/// seek in (a parallel restore, a merge's reordered load). The file holds the data in the clear, so it is
/// created readable by this user only.
/// </summary>
internal static class PlainDumpFile
{
    /// <summary>
    /// Creates <paramref name="path"/> (it must not exist) and decodes into it; the stream is returned open, at its end.
    /// With <paramref name="follow"/>, readers can follow the file as it is written: it completes only after every
    /// check passed, and fails with the decoder's error otherwise. <paramref name="observer"/> sees every decoded byte once it is
    /// in the file (readers that it tells where a block ends find that block written).
    /// </summary>
    public static async Task<(FileStream File, ArtifactDecoder.Decoded Decoded)> DecodeAsync(Stream artifact, KeyRing keys, string path,
        RestoreOptions options, IProgress<PipelineProgress>? progress, CancellationToken ct, GrowingFile? follow = null,
        RowCounts.IDumpRowCounter? observer = null)
    {
        var fileOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.ReadWrite, Options = FileOptions.Asynchronous };
        if (!OperatingSystem.IsWindows()) fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        var file = new FileStream(path, fileOptions);
        var sink = follow is null ? (Stream)file : follow.TrackWrites(file);
        try
        {
            var decoded = await ArtifactDecoder.DecodeAsync(artifact, keys, options.ExpectedStoredSha256, options.ExpectedPlainSha256,
                async (m, t) =>
                {
                    await sink.WriteAsync(m, t).ConfigureAwait(false);
                    observer?.Append(m.Span);
                }, options.StageBufferBytes, progress, ct, options.Expected).ConfigureAwait(false);
            await file.FlushAsync(ct).ConfigureAwait(false);
            observer?.Complete();
            follow?.Complete();
            return (file, decoded);
        }
        catch (Exception e)
        {
            follow?.Fail(e);
            await file.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Decodes a parallel dump's artifact and unpacks its <see cref="DirectoryBundle"/> into
    /// <paramref name="directory"/> (created, mode 0700; it must not exist), ready for pg_restore.
    /// </summary>
    public static async Task<ArtifactDecoder.Decoded> UnpackAsync(Stream artifact, KeyRing keys, string directory,
        RestoreOptions options, IProgress<PipelineProgress>? progress, CancellationToken ct)
    {
        if (System.IO.Directory.Exists(directory)) throw new IOException($"{directory} exists already.");
        if (OperatingSystem.IsWindows()) System.IO.Directory.CreateDirectory(directory);
        else System.IO.Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        // The same buffering as the decoder's own stages: 64 KiB segments (4 KiB ones outran the shared
        // array pool and turned every decoded byte into garbage, as the backup's first follower did).
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: options.StageBufferBytes, resumeWriterThreshold: options.StageBufferBytes / 2,
            minimumSegmentSize: 64 << 10, useSynchronizationContext: false));
        var unpack = Task.Run(async () =>
        {
            try
            {
                await using var input = pipe.Reader.AsStream();
                await DirectoryBundleReader.UnpackAsync(input, directory, ct).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                await pipe.Reader.CompleteAsync(e).ConfigureAwait(false);
                throw;
            }
        }, CancellationToken.None);

        ArtifactDecoder.Decoded decoded;
        try
        {
            decoded = await ArtifactDecoder.DecodeAsync(artifact, keys, options.ExpectedStoredSha256, options.ExpectedPlainSha256,
                async (m, t) =>
                {
                    var flush = await pipe.Writer.WriteAsync(m, t).ConfigureAwait(false);
                    // The unpacker stopped (a malformed bundle): its error is the one to report.
                    if (flush.IsCompleted) await unpack.ConfigureAwait(false);
                }, options.StageBufferBytes, progress, ct, options.Expected).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            await pipe.Writer.CompleteAsync(e).ConfigureAwait(false);
            // The decoder's error (or the unpacker's, which the sink passed on) is the cause.
            try { await unpack.ConfigureAwait(false); } catch (Exception) { }
            throw;
        }
        await pipe.Writer.CompleteAsync().ConfigureAwait(false);
        await unpack.ConfigureAwait(false);
        return decoded;
    }
}
