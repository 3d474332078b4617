namespace BackupFunctions.Pipeline.Streams;

/// <summary>
/// A file that is still being written, shared by one writer and any number of readers: the readers
/// follow the writer (a read past the written end waits for more) and see the end of the file only
/// once the writer completed. If the writer fails, every reader fails with its error, so an upload fed
/// from here can never commit an artifact the dump did not finish.
/// </summary>
/// <remarks>
/// It lets the copies to the targets stream while the dump is still running, instead of waiting for the
/// whole staging file: the backup then costs about as much as its slowest stage, not their sum.
/// </remarks>
public sealed class GrowingFile(string path)
{
    private readonly Lock _gate = new();
    private TaskCompletionSource _changed = NewSignal();
    private long _written;
    private bool _completed;
    private Exception? _failure;

    public string Path { get; } = path;

    public long Written
    {
        get { lock (_gate) return _written; }
    }

    /// <summary>Wraps the stream that writes the file: every write is announced to the readers once it reached the file.</summary>
    public Stream TrackWrites(Stream fileStream) => new GrowingFileWriteStream(fileStream, this);

    /// <summary>Opens a reader that follows the writer from the start of the file.</summary>
    public Stream OpenReader() => new GrowingFileReadStream(this);

    public void Complete() => Finish(null);

    public void Fail(Exception error) => Finish(error);

    internal void Advance(long bytes)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            _written += bytes;
            changed = _changed;
            _changed = NewSignal();
        }
        changed.TrySetResult();
    }

    /// <summary>
    /// Returns how many bytes are readable at <paramref name="position"/> (0 at the end of a completed
    /// file), waiting while the writer has not yet written past it.
    /// </summary>
    internal async Task<long> WaitReadableAsync(long position, CancellationToken ct)
    {
        while (true)
        {
            Task wait;
            lock (_gate)
            {
                if (_failure is not null) throw new IOException($"The staging file '{Path}' was not completed: {_failure.Message}", _failure);
                if (_written > position) return _written - position;
                if (_completed) return 0;
                wait = _changed.Task;
            }
            await wait.WaitAsync(ct).ConfigureAwait(false);
        }
    }

    private void Finish(Exception? error)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            if (_completed || _failure is not null) return;
            _failure = error;
            _completed = error is null;
            changed = _changed;
        }
        changed.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
