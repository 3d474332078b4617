using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Text;
using BackupFunctions.Pipeline.Streams;
using Microsoft.Win32.SafeHandles;

namespace BackupFunctions.Pipeline.DirectoryArchive;

/// <summary>
/// Reads the directory a running <c>pg_dump --format=directory --jobs=N</c> writes as one
/// <see cref="DirectoryBundle"/> stream, while pg_dump is still writing: a table file is read as it
/// grows, so compression and uploads run beside the dump instead of after it. Each file is deleted
/// once it is in the bundle, so the scratch disk holds only what the encoder has not reached.
/// </summary>
/// <remarks>
/// Pulled by the encoder: file bytes are read straight into the caller's buffer behind a 4-byte
/// chunk length, so the bundle costs no copy and no allocation per chunk.
/// A file counts as complete only when pg_dump said so ("finished item N", from <see cref="OnStderrLine"/>)
/// or after pg_dump exited successfully (<see cref="DumpSucceeded"/>): a file that merely stopped
/// growing may belong to a worker waiting for the server. Finished files go first; otherwise the
/// oldest growing one is followed. toc.dat, which pg_dump writes last, closes the bundle.
/// </remarks>
internal sealed class DirectoryDumpFollower(string directory, TimeSpan? pollInterval = null) : ReadOnlyStream
{
    private const int SmallReadBytes = 4096;
    private readonly ConcurrentDictionary<string, bool> _finished = new(StringComparer.Ordinal);
    private readonly TimeSpan _poll = pollInterval ?? TimeSpan.FromMilliseconds(10);
    private readonly List<string> _discovered = [];
    private readonly HashSet<string> _done = new(StringComparer.Ordinal);
    // Framing bytes (and, for callers with tiny buffers, small chunks) waiting to be read.
    private readonly byte[] _pending = new byte[SmallReadBytes + 512];
    private int _pendingStart, _pendingEnd;
    private volatile bool _dumpSucceeded, _dumpFailed;
    private bool _started, _ended;
    private SafeFileHandle? _file;
    private string? _name;
    private long _offset;

    /// <summary>Files in the bundle so far.</summary>
    public int Members => _done.Count;

    public void OnStderrLine(string line)
    {
        if (DirectoryBundle.FinishedDataFile(line) is { } file) _finished[file] = true;
    }

    /// <summary>pg_dump exited with success: every file in the directory is final.</summary>
    public void DumpSucceeded() => _dumpSucceeded = true;

    /// <summary>pg_dump failed: the next wait for more bytes ends the stream with an error instead.</summary>
    public void DumpFailed() => _dumpFailed = true;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        if (buffer.IsEmpty) return 0;
        while (true)
        {
            if (_pendingStart < _pendingEnd)
            {
                var n = Math.Min(buffer.Length, _pendingEnd - _pendingStart);
                _pending.AsSpan(_pendingStart, n).CopyTo(buffer.Span);
                _pendingStart += n;
                return n;
            }
            if (_ended) return 0;
            if (!_started)
            {
                Queue(DirectoryBundle.Magic);
                _started = true;
                continue;
            }
            if (_file is null)
            {
                await OpenNextAsync(ct).ConfigureAwait(false);
                continue;
            }

            // Complete before the read: a read that then finds nothing has seen the file's end.
            var complete = IsComplete(_name!);
            int read;
            if (buffer.Length > 4)
            {
                read = await RandomAccess.ReadAsync(_file, buffer[4..Math.Min(buffer.Length, 4 + DirectoryBundle.MaxChunkBytes)], _offset, ct).ConfigureAwait(false);
                if (read > 0)
                {
                    _offset += read;
                    BinaryPrimitives.WriteUInt32BigEndian(buffer.Span, (uint)read);
                    return read + 4;
                }
            }
            else
            {
                _pendingStart = 0;
                read = await RandomAccess.ReadAsync(_file, _pending.AsMemory(4, SmallReadBytes), _offset, ct).ConfigureAwait(false);
                if (read > 0)
                {
                    _offset += read;
                    BinaryPrimitives.WriteUInt32BigEndian(_pending, (uint)read);
                    _pendingEnd = read + 4;
                    continue;
                }
                _pendingEnd = 0;
            }
            if (complete) CloseMember();
            else await WaitForMoreAsync(ct).ConfigureAwait(false);
        }
    }

    private async Task OpenNextAsync(CancellationToken ct)
    {
        while (true)
        {
            // Read before listing: a file listed after pg_dump's exit was seen is surely final.
            var exited = _dumpSucceeded;
            Discover();
            var pending = _discovered.Where(n => !_done.Contains(n) && (n != DirectoryBundle.TocName || exited)).ToList();
            if (pending.Count == 0)
            {
                if (exited)
                {
                    if (!_done.Contains(DirectoryBundle.TocName))
                        throw new IOException($"pg_dump finished without writing {DirectoryBundle.TocName} into {directory}.");
                    Queue([0, 0]);
                    _ended = true;
                    return;
                }
                await WaitForMoreAsync(ct).ConfigureAwait(false);
                continue;
            }

            // toc.dat last: it describes the others, and a reader can stop at it.
            _name = pending.FirstOrDefault(n => n != DirectoryBundle.TocName && IsComplete(n))
                ?? pending.FirstOrDefault(n => n != DirectoryBundle.TocName)
                ?? DirectoryBundle.TocName;
            _file = File.OpenHandle(Path.Combine(directory, _name), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            _offset = 0;
            var nameBytes = Encoding.UTF8.GetBytes(_name);
            Span<byte> length = stackalloc byte[2];
            BinaryPrimitives.WriteUInt16BigEndian(length, (ushort)nameBytes.Length);
            Queue(length);
            Append(nameBytes);
            return;
        }
    }

    private Task WaitForMoreAsync(CancellationToken ct) => _dumpFailed
        ? throw new IOException($"pg_dump stopped before it finished writing {directory}.")
        : Task.Delay(_poll, ct);

    private void CloseMember()
    {
        _file!.Dispose();
        _file = null;
        File.Delete(Path.Combine(directory, _name!));
        _done.Add(_name!);
        Queue([0, 0, 0, 0]);
    }

    private bool IsComplete(string name) => _dumpSucceeded || _finished.ContainsKey(name);

    private void Discover()
    {
        if (!System.IO.Directory.Exists(directory)) return;
        foreach (var path in System.IO.Directory.EnumerateFiles(directory))
        {
            var name = Path.GetFileName(path);
            if (!DirectoryBundle.IsValidMemberName(name))
                throw new IOException($"pg_dump wrote {name} into {directory}, a file its directory format is not known to write; refusing to guess how to store it.");
            if (!_discovered.Contains(name)) _discovered.Add(name);
        }
    }

    private void Queue(ReadOnlySpan<byte> bytes)
    {
        _pendingStart = 0;
        _pendingEnd = 0;
        Append(bytes);
    }

    private void Append(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(_pending.AsSpan(_pendingEnd));
        _pendingEnd += bytes.Length;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _file?.Dispose();
        base.Dispose(disposing);
    }
}
