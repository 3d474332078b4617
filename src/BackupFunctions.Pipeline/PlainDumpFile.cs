using BackupFunctions.Pipeline.Keys;

namespace BackupFunctions.Pipeline;

/// <summary>
/// Decodes an artifact, with every check of <see cref="ArtifactDecoder"/>, into a file that pg_restore can
/// seek in (a parallel restore, a merge's reordered load). The file holds the data in the clear, so it is
/// created readable by this user only.
/// </summary>
internal static class PlainDumpFile
{
    /// <summary>Creates <paramref name="path"/> (it must not exist) and decodes into it; the stream is returned open, at its end.</summary>
    public static async Task<(FileStream File, ArtifactDecoder.Decoded Decoded)> DecodeAsync(Stream artifact, KeyRing keys, string path,
        RestoreOptions options, IProgress<PipelineProgress>? progress, CancellationToken ct)
    {
        var fileOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.ReadWrite, Options = FileOptions.Asynchronous };
        if (!OperatingSystem.IsWindows()) fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        var file = new FileStream(path, fileOptions);
        try
        {
            var decoded = await ArtifactDecoder.DecodeAsync(artifact, keys, options.ExpectedStoredSha256, options.ExpectedPlainSha256,
                (m, t) => file.WriteAsync(m, t), options.StageBufferBytes, progress, ct).ConfigureAwait(false);
            await file.FlushAsync(ct).ConfigureAwait(false);
            return (file, decoded);
        }
        catch
        {
            await file.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
