using System.Buffers.Binary;
using System.Text;

namespace BackupFunctions.Pipeline.DirectoryArchive;

/// <summary>Writes a <see cref="DirectoryBundle"/> to a stream, one member at a time.</summary>
internal sealed class DirectoryBundleWriter(Stream output)
{
    private readonly byte[] _prefix = new byte[4];
    private string? _open;

    public ValueTask StartAsync(CancellationToken ct) => output.WriteAsync(DirectoryBundle.Magic.ToArray(), ct);

    public async ValueTask BeginMemberAsync(string name, CancellationToken ct)
    {
        if (_open is not null) throw new InvalidOperationException($"member {_open} is still open");
        if (!DirectoryBundle.IsValidMemberName(name)) throw new ArgumentException($"'{name}' is not a file pg_dump's directory format writes.", nameof(name));
        var bytes = Encoding.UTF8.GetBytes(name);
        BinaryPrimitives.WriteUInt16BigEndian(_prefix, (ushort)bytes.Length);
        await output.WriteAsync(_prefix.AsMemory(0, 2), ct).ConfigureAwait(false);
        await output.WriteAsync(bytes, ct).ConfigureAwait(false);
        _open = name;
    }

    public async ValueTask WriteChunkAsync(ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        if (_open is null) throw new InvalidOperationException("no member is open");
        if (data.IsEmpty) return;
        if (data.Length > DirectoryBundle.MaxChunkBytes) throw new ArgumentOutOfRangeException(nameof(data), "chunk too large");
        BinaryPrimitives.WriteUInt32BigEndian(_prefix, (uint)data.Length);
        await output.WriteAsync(_prefix, ct).ConfigureAwait(false);
        await output.WriteAsync(data, ct).ConfigureAwait(false);
    }

    public async ValueTask EndMemberAsync(CancellationToken ct)
    {
        if (_open is null) throw new InvalidOperationException("no member is open");
        BinaryPrimitives.WriteUInt32BigEndian(_prefix, 0);
        await output.WriteAsync(_prefix, ct).ConfigureAwait(false);
        _open = null;
    }

    public async ValueTask EndAsync(CancellationToken ct)
    {
        if (_open is not null) throw new InvalidOperationException($"member {_open} is still open");
        BinaryPrimitives.WriteUInt16BigEndian(_prefix, 0);
        await output.WriteAsync(_prefix.AsMemory(0, 2), ct).ConfigureAwait(false);
        await output.FlushAsync(ct).ConfigureAwait(false);
    }
}
