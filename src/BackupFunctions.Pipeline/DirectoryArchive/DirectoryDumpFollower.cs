using System.Collections.Concurrent;

namespace BackupFunctions.Pipeline.DirectoryArchive;

/// <summary>
/// Turns the directory a running <c>pg_dump --format=directory --jobs=N</c> writes into a
/// <see cref="DirectoryBundle"/> stream, while pg_dump is still writing: a table file is streamed as
/// it grows, so compression and uploads run beside the dump instead of after it. Each file is
/// deleted once it is in the bundle, so the scratch disk holds only what the encoder has not reached.
/// </summary>
/// <remarks>
/// A file counts as complete only when pg_dump said so ("finished item N", from <see cref="OnStderrLine"/>)
/// or after pg_dump exited successfully (<see cref="DumpSucceeded"/>): a file that merely stopped
/// growing may belong to a worker waiting for the server. Finished files go first; otherwise the
/// oldest growing one is followed. toc.dat, which pg_dump writes last, closes the bundle.
/// </remarks>
internal sealed class DirectoryDumpFollower(string directory, TimeSpan? pollInterval = null)
{
    private const int ReadBytes = 256 << 10;
    private readonly ConcurrentDictionary<string, bool> _finished = new(StringComparer.Ordinal);
    private readonly TimeSpan _poll = pollInterval ?? TimeSpan.FromMilliseconds(10);
    private volatile bool _dumpSucceeded;

    /// <summary>Files streamed so far.</summary>
    public int Members { get; private set; }

    public void OnStderrLine(string line)
    {
        if (DirectoryBundle.FinishedDataFile(line) is { } file) _finished[file] = true;
    }

    /// <summary>pg_dump exited with success: every file in the directory is final.</summary>
    public void DumpSucceeded() => _dumpSucceeded = true;

    public async Task RunAsync(Stream output, CancellationToken ct)
    {
        var writer = new DirectoryBundleWriter(output);
        await writer.StartAsync(ct).ConfigureAwait(false);
        var buffer = new byte[ReadBytes];
        var discovered = new List<string>();
        var done = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            // Read before listing: a file listed after pg_dump's exit was seen is surely final.
            var exited = _dumpSucceeded;
            Discover(discovered);
            var pending = discovered.Where(n => !done.Contains(n) && (n != DirectoryBundle.TocName || exited)).ToList();
            if (pending.Count == 0)
            {
                if (exited) break;
                await Task.Delay(_poll, ct).ConfigureAwait(false);
                continue;
            }

            // toc.dat last: it describes the others, and a reader can stop at it.
            var next = pending.FirstOrDefault(n => n != DirectoryBundle.TocName && IsComplete(n))
                ?? pending.FirstOrDefault(n => n != DirectoryBundle.TocName)
                ?? DirectoryBundle.TocName;
            await StreamMemberAsync(writer, next, buffer, ct).ConfigureAwait(false);
            done.Add(next);
            Members++;
        }

        if (!done.Contains(DirectoryBundle.TocName))
            throw new IOException($"pg_dump finished without writing {DirectoryBundle.TocName} into {directory}.");
        await writer.EndAsync(ct).ConfigureAwait(false);
    }

    private bool IsComplete(string name) => _dumpSucceeded || _finished.ContainsKey(name);

    private void Discover(List<string> discovered)
    {
        if (!System.IO.Directory.Exists(directory)) return;
        foreach (var path in System.IO.Directory.EnumerateFiles(directory))
        {
            var name = Path.GetFileName(path);
            if (!DirectoryBundle.IsValidMemberName(name))
                throw new IOException($"pg_dump wrote {name} into {directory}, a file its directory format is not known to write; refusing to guess how to store it.");
            if (!discovered.Contains(name)) discovered.Add(name);
        }
    }

    private async Task StreamMemberAsync(DirectoryBundleWriter writer, string name, byte[] buffer, CancellationToken ct)
    {
        var path = Path.Combine(directory, name);
        await writer.BeginMemberAsync(name, ct).ConfigureAwait(false);
        using (var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, FileOptions.Asynchronous))
        {
            long offset = 0;
            while (true)
            {
                // Complete before the read: a read that then finds nothing has seen the file's end.
                var complete = IsComplete(name);
                var n = await RandomAccess.ReadAsync(handle, buffer, offset, ct).ConfigureAwait(false);
                if (n > 0)
                {
                    offset += n;
                    await writer.WriteChunkAsync(buffer.AsMemory(0, n), ct).ConfigureAwait(false);
                    continue;
                }
                if (complete) break;
                await Task.Delay(_poll, ct).ConfigureAwait(false);
            }
        }
        await writer.EndMemberAsync(ct).ConfigureAwait(false);
        File.Delete(path);
    }
}
