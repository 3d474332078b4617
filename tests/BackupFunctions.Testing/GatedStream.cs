namespace BackupFunctions.Testing;

/// <summary>
/// A non-seekable stream that hands out its first <c>gateAt</c> bytes, then waits until the test opens the
/// gate: lets a test act while a put or a restore is provably in the middle of reading its content.
/// </summary>
public sealed class GatedStream(byte[] data, int gateAt) : Stream
{
    private int _position;

    /// <summary>Completed when the reader has consumed everything before the gate.</summary>
    public TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Complete it to let the reader through.</summary>
    public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_position == gateAt && !Release.Task.IsCompleted)
        {
            Reached.TrySetResult();
            await Release.Task.WaitAsync(cancellationToken);
        }
        var end = _position < gateAt ? gateAt : data.Length;
        var n = Math.Min(buffer.Length, end - _position);
        data.AsMemory(_position, n).CopyTo(buffer);
        _position += n;
        return n;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
