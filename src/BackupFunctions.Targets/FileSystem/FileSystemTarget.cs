using System.Buffers;
using System.Runtime.CompilerServices;

namespace BackupFunctions.Targets.FileSystem;

/// <summary>
/// Stores objects as files under a root directory; a key's '/' segments become subdirectories.
/// A put writes a temporary file next to the final one, flushes it to disk (fsync), then gives it the
/// final name only if that name is still free (<see cref="NoReplaceMove"/>: link(2), atomic): readers
/// see no file or the whole file, never a part, and a stored object is never replaced.
/// </summary>
public sealed class FileSystemTarget : IBackupTarget
{
    /// <summary>Temporary files carry this marker; listing skips them.</summary>
    internal const string TempMarker = ".bf-partial-";

    private const int CopyBufferSize = 1024 * 1024;
    /// <summary>
    /// A put that follows a backup while it is dumped gets its bytes slowly; flushing as they come
    /// leaves the closing fsync (on the backup's critical path) only the last few MiB to write. At 32 MiB
    /// a 300 MB database's whole 28 MB artifact waited for that closing fsync (~140 ms after the dump, session 10);
    /// 8 MiB leaves it at most a quarter of that, for a few more fsyncs that run while the dump does.
    /// </summary>
    private const long SyncEveryBytes = 8L << 20;
    private readonly string _root;

    /// <param name="name">The target's configured name.</param>
    /// <param name="rootPath">The directory that holds the objects.</param>
    /// <param name="createIfMissing">
    /// Create the root when it does not exist. Turn off for mounted volumes, so that an unmounted disk
    /// fails loudly instead of filling the machine's own disk.
    /// </param>
    public FileSystemTarget(string name, string rootPath, bool createIfMissing = true)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(rootPath);
        Name = name;
        _root = Path.GetFullPath(rootPath);
        if (Directory.Exists(_root)) return;
        if (!createIfMissing)
            throw new TargetConfigurationException(name,
                $"Target '{name}': directory '{_root}' does not exist. Check that the volume is mounted and the Path setting is right.");
        try
        {
            Directory.CreateDirectory(_root);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new TargetConfigurationException(name,
                $"Target '{name}': cannot create directory '{_root}': {ex.Message} Check the Path setting and permissions.", ex);
        }
    }

    public string Name { get; }

    /// <summary>The absolute root directory.</summary>
    public string RootPath => _root;

    public async Task<TargetObjectInfo> PutAsync(string key, Stream content, PutOptions? options = null, CancellationToken ct = default)
    {
        TargetKey.Validate(key);
        ArgumentNullException.ThrowIfNull(content);
        var path = PathOf(key);
        // Refuse before writing what may be gigabytes; the no-replace move below is what guarantees it.
        if (File.Exists(path)) throw new TargetObjectExistsException(Name, key);
        var directory = Path.GetDirectoryName(path)!;
        var temp = Path.Combine(directory, $"{TempMarker}{Guid.NewGuid():N}-{Path.GetFileName(path)}");
        var buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
        StoredHash? readBack = null;
        try
        {
            await using (var file = CreateTemp(key, directory, temp))
            {
                using var reader = options?.ReadBack == true ? new FlushedReadBack(file.SafeFileHandle) : null;
                long unsynced = 0;
                long written = 0;
                while (true)
                {
                    // Failures of the caller's stream propagate unchanged: they are not the target's.
                    var n = await content.ReadAsync(buffer, ct);
                    if (n == 0) break;
                    await Guard(key, "writing", () => file.WriteAsync(buffer.AsMemory(0, n), ct).AsTask());
                    unsynced += n;
                    written += n;
                    if (unsynced < SyncEveryBytes) continue;
                    await Guard(key, "flushing", () => { file.Flush(flushToDisk: true); return Task.CompletedTask; });
                    unsynced = 0;
                    if (reader is not null) await Guard(key, "reading back", () => reader.CatchUpAsync(written, buffer, ct));
                }
                // fsync before the link: otherwise a crash can leave the new name pointing at empty blocks.
                await Guard(key, "flushing", () => { file.Flush(flushToDisk: true); return Task.CompletedTask; });
                if (reader is not null)
                {
                    await Guard(key, "reading back", () => reader.CatchUpAsync(written, buffer, ct));
                    readBack = reader.Finish(key);
                }
            }
            var published = false;
            await Guard(key, "renaming", () =>
            {
                published = NoReplaceMove.TryMove(temp, path);
                if (published) DirectorySync.Flush(directory);
                return Task.CompletedTask;
            });
            // Another put took the name while this one was writing; the catch removes this one's temporary file.
            if (!published) throw new TargetObjectExistsException(Name, key);
            RemoveLeftoverTemps(directory, Path.GetFileName(path));
            return Info(key, new FileInfo(path)) with { ReadBack = readBack };
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// A writer killed mid-put (a host crash during a streamed upload) leaves its temporary file; the put
    /// that completes the same key removes them. A put of the same key still running loses its temporary
    /// file too, which costs nothing: the name is taken, so it would be refused anyway, and it is (as taken).
    /// Best effort: a file that cannot go now stays for the next.
    /// </summary>
    private static void RemoveLeftoverTemps(string directory, string fileName)
    {
        try
        {
            foreach (var leftover in Directory.EnumerateFiles(directory, $"{TempMarker}*-{fileName}"))
                TryDelete(leftover);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Listing failed: the object itself is written; leftovers are invisible to readers anyway.
        }
    }

    private FileStream CreateTemp(string key, string directory, string temp)
    {
        try
        {
            Directory.CreateDirectory(directory);
            return new FileStream(temp, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                // Read too: a put asked to read back (PutOptions.ReadBack) reads through this handle.
                Access = FileAccess.ReadWrite,
                Share = FileShare.None,
                Options = FileOptions.Asynchronous,
                BufferSize = 0,
            });
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new TargetException(Name, $"Writing '{key}' to target '{Name}' ({_root}) failed: {ex.Message}", isTransient: false, ex);
        }
    }

    private async Task Guard(string key, string what, Func<Task> action)
    {
        try
        {
            await action();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new TargetException(Name, $"{char.ToUpperInvariant(what[0])}{what[1..]} '{key}' in target '{Name}' ({_root}) failed: {ex.Message}", isTransient: false, ex);
        }
    }

    public Task<Stream> OpenReadAsync(string key, ByteRange? range = null, CancellationToken ct = default)
    {
        TargetKey.Validate(key);
        ct.ThrowIfCancellationRequested();
        var path = PathOf(key);
        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 0, FileOptions.Asynchronous);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new TargetNotFoundException(Name, key, ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new TargetException(Name, $"Opening '{key}' in target '{Name}' failed: {ex.Message}", isTransient: false, ex);
        }
        if (range is not { } r) return Task.FromResult<Stream>(file);
        file.Position = Math.Min(r.Offset, file.Length);
        var available = file.Length - file.Position;
        return Task.FromResult<Stream>(new SubReadStream(file, r.Length is { } l ? Math.Min(l, available) : available));
    }

    public Task<TargetObjectInfo?> StatAsync(string key, CancellationToken ct = default)
    {
        TargetKey.Validate(key);
        ct.ThrowIfCancellationRequested();
        var file = new FileInfo(PathOf(key));
        return Task.FromResult(file.Exists ? Info(key, file) : null);
    }

    public async IAsyncEnumerable<TargetObjectInfo> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken ct = default)
    {
        TargetKey.ValidatePrefix(prefix);
        // Start at the deepest directory the prefix names, then filter by the whole prefix.
        var slash = prefix.LastIndexOf('/');
        var start = slash < 0 ? _root : Path.Combine(_root, prefix[..slash].Replace('/', Path.DirectorySeparatorChar));
        if (!Directory.Exists(start)) yield break;
        var found = new List<TargetObjectInfo>();
        foreach (var file in new DirectoryInfo(start).EnumerateFiles("*", SearchOption.AllDirectories))
        {
            ct.ThrowIfCancellationRequested();
            if (file.Name.StartsWith(TempMarker, StringComparison.Ordinal)) continue;
            var key = Path.GetRelativePath(_root, file.FullName).Replace(Path.DirectorySeparatorChar, '/');
            if (key.StartsWith(prefix, StringComparison.Ordinal) && TargetKey.IsValid(key)) found.Add(Info(key, file));
        }
        found.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        foreach (var info in found)
        {
            yield return info;
        }
        await Task.CompletedTask;
    }

    public Task DeleteAsync(string key, CancellationToken ct = default)
    {
        TargetKey.Validate(key);
        ct.ThrowIfCancellationRequested();
        var path = PathOf(key);
        try
        {
            File.Delete(path); // no error when missing
            RemoveEmptyParents(Path.GetDirectoryName(path)!);
        }
        catch (DirectoryNotFoundException)
        {
            // Already gone.
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new TargetException(Name, $"Deleting '{key}' from target '{Name}' failed: {ex.Message}", isTransient: false, ex);
        }
        return Task.CompletedTask;
    }

    public override string ToString() => $"{Name} (filesystem {_root})";

    private string PathOf(string key) => Path.Combine(_root, key.Replace('/', Path.DirectorySeparatorChar));

    private static TargetObjectInfo Info(string key, FileInfo file) =>
        new(key, file.Length, new DateTimeOffset(file.LastWriteTimeUtc, TimeSpan.Zero));

    private void RemoveEmptyParents(string directory)
    {
        // Keep the tree tidy after retention deletes; a concurrent put that recreates a directory wins.
        while (directory.Length > _root.Length && directory.StartsWith(_root, StringComparison.Ordinal))
        {
            try
            {
                if (Directory.EnumerateFileSystemEntries(directory).Any()) return;
                Directory.Delete(directory);
            }
            catch (IOException)
            {
                return;
            }
            directory = Path.GetDirectoryName(directory)!;
        }
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
