using System.Buffers.Binary;
using System.Text;

namespace BackupFunctions.Pipeline.DirectoryArchive;

/// <summary>
/// Unpacks a <see cref="DirectoryBundle"/> into an empty directory, as files readable by this user
/// only (they hold the data in the clear). Refuses names pg_dump would not write, repeated names,
/// oversized chunks, a missing toc.dat, and anything after the end marker.
/// </summary>
internal static class DirectoryBundleReader
{
    public static async Task<int> UnpackAsync(Stream input, string directory, CancellationToken ct)
    {
        var head = new byte[8];
        await ReadExactAsync(input, head, "the bundle's header", ct).ConfigureAwait(false);
        if (!head.AsSpan().SequenceEqual(DirectoryBundle.Magic))
            throw new DirectoryBundleFormatException("the plain dump does not start with the directory bundle's magic bytes.");

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var buffer = new byte[256 << 10];
        while (true)
        {
            await ReadExactAsync(input, head.AsMemory(0, 2), "a member's name length", ct).ConfigureAwait(false);
            int nameLength = BinaryPrimitives.ReadUInt16BigEndian(head);
            if (nameLength == 0) break;
            var nameBytes = new byte[nameLength];
            await ReadExactAsync(input, nameBytes, "a member's name", ct).ConfigureAwait(false);
            var name = Encoding.UTF8.GetString(nameBytes);
            if (!DirectoryBundle.IsValidMemberName(name))
                throw new DirectoryBundleFormatException($"the bundle holds a member named '{name}', which pg_dump's directory format never writes.");
            if (!seen.Add(name)) throw new DirectoryBundleFormatException($"the bundle holds {name} twice.");
            await UnpackMemberAsync(input, Path.Combine(directory, name), name, head, buffer, ct).ConfigureAwait(false);
        }

        if (await input.ReadAsync(head.AsMemory(0, 1), ct).ConfigureAwait(false) != 0)
            throw new DirectoryBundleFormatException("bytes follow the bundle's end marker.");
        if (!seen.Contains(DirectoryBundle.TocName))
            throw new DirectoryBundleFormatException("the bundle has no toc.dat, so pg_restore could not read it.");
        return seen.Count;
    }

    private static async Task UnpackMemberAsync(Stream input, string path, string name, byte[] head, byte[] buffer, CancellationToken ct)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Options = FileOptions.Asynchronous, BufferSize = 0 };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        await using var file = new FileStream(path, options);
        while (true)
        {
            await ReadExactAsync(input, head.AsMemory(0, 4), $"a chunk length of {name}", ct).ConfigureAwait(false);
            var length = BinaryPrimitives.ReadUInt32BigEndian(head);
            if (length == 0) return;
            if (length > DirectoryBundle.MaxChunkBytes)
                throw new DirectoryBundleFormatException($"{name} has a chunk of {length} bytes, above the {DirectoryBundle.MaxChunkBytes} a bundle allows.");
            var left = (int)length;
            while (left > 0)
            {
                var n = await input.ReadAsync(buffer.AsMemory(0, Math.Min(left, buffer.Length)), ct).ConfigureAwait(false);
                if (n == 0) throw Truncated($"the data of {name}");
                await file.WriteAsync(buffer.AsMemory(0, n), ct).ConfigureAwait(false);
                left -= n;
            }
        }
    }

    private static async Task ReadExactAsync(Stream input, Memory<byte> into, string what, CancellationToken ct)
    {
        var read = 0;
        while (read < into.Length)
        {
            var n = await input.ReadAsync(into[read..], ct).ConfigureAwait(false);
            if (n == 0) throw Truncated(what);
            read += n;
        }
    }

    private static DirectoryBundleFormatException Truncated(string what) =>
        new($"the bundle ends inside {what}: it is truncated.");
}
