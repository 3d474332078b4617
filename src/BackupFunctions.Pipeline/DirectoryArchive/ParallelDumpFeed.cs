using BackupFunctions.Pipeline.Processes;

namespace BackupFunctions.Pipeline.DirectoryArchive;

/// <summary>
/// Tells a <see cref="DirectoryDumpFollower"/> how its parallel pg_dump ended: success makes every
/// file final, failure ends the bundle with an error, and <see cref="WaitAsync"/> throws pg_dump's own error.
/// </summary>
internal sealed class ParallelDumpFeed : IAsyncDisposable
{
    private readonly DirectoryDumpFollower _follower;
    private readonly Task _dump;

    private ParallelDumpFeed(PgToolProcess dump, DirectoryDumpFollower follower)
    {
        _follower = follower;
        _dump = WatchDumpAsync(dump);
    }

    /// <summary>The bundle, for the encoder.</summary>
    public Stream Output => _follower;

    public static ParallelDumpFeed Start(PgToolProcess dump, DirectoryDumpFollower follower) => new(dump, follower);

    /// <summary>pg_dump succeeded (the encoder calls this after reading the bundle to its end).</summary>
    public Task WaitAsync(CancellationToken ct) => _dump.WaitAsync(ct);

    private async Task WatchDumpAsync(PgToolProcess dump)
    {
        try
        {
            await dump.WaitForSuccessAsync(CancellationToken.None).ConfigureAwait(false);
            _follower.DumpSucceeded();
        }
        catch
        {
            _follower.DumpFailed();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try { await _dump.ConfigureAwait(false); } catch (Exception) { /* reported through WaitAsync */ }
        await _follower.DisposeAsync().ConfigureAwait(false);
    }
}
