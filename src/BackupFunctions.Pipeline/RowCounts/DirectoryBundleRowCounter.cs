using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using BackupFunctions.Pipeline.DirectoryArchive;

namespace BackupFunctions.Pipeline.RowCounts;

/// <summary>
/// <see cref="IDumpRowCounter"/> for the bundle of a parallel dump (docs/artifact-format.md, "Directory bundle"): each
/// <c>&lt;dumpId&gt;.dat</c> member is one table's COPY text (<c>-Z0</c>; <see cref="CopyDataTally"/>); the
/// <c>toc.dat</c> member, always last, says which table each dump id is.
/// </summary>
public sealed class DirectoryBundleRowCounter : IDumpRowCounter
{
    private enum State { Magic, NameLength, Name, ChunkLength, ChunkData, End, Failed }

    private readonly Dictionary<int, CopyDataTally> _tallies = [];
    private readonly ArrayBufferWriter<byte> _tocBytes = new(64 << 10);
    private readonly byte[] _field = new byte[256];
    private State _state = State.Magic;
    private int _fieldHave;
    private int _fieldNeed = 8;
    private int? _dumpId;
    private bool _isToc;
    private long _chunkLeft;

    public string? Failure { get; private set; }

    public IReadOnlyList<DumpTocEntry> Toc { get; private set; } = [];

    public IReadOnlyDictionary<int, long> RowsByDumpId => _tallies.ToDictionary(kv => kv.Key, kv => kv.Value.Rows);

    public void Append(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty && _state is not (State.Failed or State.End)) bytes = Step(bytes);
        if (!bytes.IsEmpty && _state == State.End) Fail("bytes after the end of the bundle");
    }

    public void Complete()
    {
        if (_state == State.Failed) return;
        if (_state != State.End)
        {
            Fail($"the bundle ended early ({_state})");
            return;
        }

        try
        {
            var toc = DumpTocParser.TryParse(_tocBytes.WrittenSpan);
            if (toc is null) Fail("toc.dat is incomplete");
            else Toc = toc.Value.Entries;
        }
        catch (Archive.ArchiveFormatException e)
        {
            Fail(e.Message);
        }
    }

    private ReadOnlySpan<byte> Step(ReadOnlySpan<byte> bytes)
    {
        if (_state == State.ChunkData)
        {
            var n = (int)Math.Min(_chunkLeft, bytes.Length);
            var data = bytes[..n];
            if (_isToc) _tocBytes.Write(data);
            else if (_dumpId is { } id)
            {
                var tally = _tallies[id];
                tally.Add(data);
                _tallies[id] = tally;
            }
            _chunkLeft -= n;
            if (_chunkLeft == 0) Expect(State.ChunkLength, 4);
            return bytes[n..];
        }

        var take = Math.Min(_fieldNeed - _fieldHave, bytes.Length);
        bytes[..take].CopyTo(_field.AsSpan(_fieldHave));
        _fieldHave += take;
        if (_fieldHave == _fieldNeed) OnField(_field.AsSpan(0, _fieldNeed));
        return bytes[take..];
    }

    private void OnField(ReadOnlySpan<byte> field)
    {
        switch (_state)
        {
            case State.Magic:
                if (field.SequenceEqual(DirectoryBundle.Magic)) Expect(State.NameLength, 2);
                else Fail("not a directory bundle");
                break;
            case State.NameLength:
                int length = BinaryPrimitives.ReadUInt16BigEndian(field);
                if (length == 0) _state = State.End;
                else if (length > _field.Length) Fail($"a member name of {length} bytes");
                else Expect(State.Name, length);
                break;
            case State.Name:
                var name = Encoding.UTF8.GetString(field);
                _isToc = name == DirectoryBundle.TocName;
                _dumpId = null;
                if (name.EndsWith(".dat", StringComparison.Ordinal) && !name.StartsWith("blob_", StringComparison.Ordinal) && !_isToc
                    && int.TryParse(name.AsSpan(0, name.Length - 4), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
                {
                    _dumpId = id;
                    if (!_tallies.TryAdd(id, default)) Fail($"member {name} appears twice");
                }

                Expect(State.ChunkLength, 4);
                break;
            case State.ChunkLength:
                var chunk = BinaryPrimitives.ReadUInt32BigEndian(field);
                if (chunk == 0) Expect(State.NameLength, 2);
                else if (chunk > DirectoryBundle.MaxChunkBytes) Fail($"a chunk of {chunk} bytes");
                else (_chunkLeft, _state) = (chunk, State.ChunkData);
                break;
        }
    }

    private void Expect(State state, int bytes) => (_state, _fieldNeed, _fieldHave) = (state, bytes, 0);

    private void Fail(string reason)
    {
        Failure ??= reason;
        _state = State.Failed;
    }
}
