using System.IO.Pipelines;
using BackupFunctions.Pipeline.Processes;

namespace BackupFunctions.Pipeline.DirectoryArchive;

/// <summary>
/// Runs a <see cref="DirectoryDumpFollower"/> beside a parallel pg_dump and offers the bundle as a
/// stream for the encoder. If pg_dump fails, the follower stops and the stream ends in an error; the
/// encoder then reports pg_dump's own error (<see cref="WaitAsync"/>).
/// </summary>
internal sealed class ParallelDumpFeed : IAsyncDisposable
{
    private readonly Pipe _pipe = new(new PipeOptions(pauseWriterThreshold: 4 << 20, resumeWriterThreshold: 2 << 20, useSynchronizationContext: false));
    private readonly CancellationTokenSource _stop = new();
    private Task _dump = Task.CompletedTask;
    private Task _follow = Task.CompletedTask;

    private ParallelDumpFeed() { }

    public Stream Output => _pipe.Reader.AsStream();

    public static ParallelDumpFeed Start(PgToolProcess dump, DirectoryDumpFollower follower)
    {
        var feed = new ParallelDumpFeed();
        feed._dump = feed.WatchDumpAsync(dump, follower);
        feed._follow = Task.Run(() => feed.FollowAsync(follower));
        return feed;
    }

    /// <summary>pg_dump succeeded and every file is in the bundle.</summary>
    public async Task WaitAsync(CancellationToken ct)
    {
        await _dump.WaitAsync(ct).ConfigureAwait(false);
        await _follow.WaitAsync(ct).ConfigureAwait(false);
    }

    private async Task WatchDumpAsync(PgToolProcess dump, DirectoryDumpFollower follower)
    {
        try
        {
            await dump.WaitForSuccessAsync(CancellationToken.None).ConfigureAwait(false);
            follower.DumpSucceeded();
        }
        catch
        {
            await _stop.CancelAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task FollowAsync(DirectoryDumpFollower follower)
    {
        try
        {
            await using (var stream = _pipe.Writer.AsStream(leaveOpen: true))
                await follower.RunAsync(stream, _stop.Token).ConfigureAwait(false);
            await _pipe.Writer.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            await _pipe.Writer.CompleteAsync(e).ConfigureAwait(false);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try { await _follow.ConfigureAwait(false); } catch (Exception) { /* reported through the stream or WaitAsync */ }
        try { await _dump.ConfigureAwait(false); } catch (Exception) { /* reported through WaitAsync */ }
        await _pipe.Reader.CompleteAsync().ConfigureAwait(false);
        _stop.Dispose();
    }
}
