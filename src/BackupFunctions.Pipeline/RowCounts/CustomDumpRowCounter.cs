using System.Buffers;
using System.Buffers.Binary;

namespace BackupFunctions.Pipeline.RowCounts;

/// <summary>
/// <see cref="IDumpRowCounter"/> for <c>pg_dump --format=custom -Z0</c> written to a pipe: the header and TOC come first,
/// then one data block per table (pg_backup_custom.c: a block type byte, the dump id, then chunks of an int length and
/// that many bytes, ended by a zero length). A table's COPY text has one row per line (<see cref="CopyDataTally"/>).
/// </summary>
/// <param name="tableDataEnded">
/// Told of each table's data block once its last byte was appended: its dump id and where it lies in the dump
/// (the restore loads a table while the rest of the artifact still decodes, <see cref="OverlappedDataRestore"/>).
/// </param>
public sealed class CustomDumpRowCounter(Action<DumpDataBlock>? tableDataEnded = null) : IDumpRowCounter
{
    private const int BlkData = 1;
    private const int BlkBlobs = 3;
    private const int MaxTocBytes = 256 << 20;

    private enum State { Toc, BlockType, BlockId, ChunkLength, ChunkData, BlobOid, Failed }

    private readonly ArrayBufferWriter<byte> _toc = new(64 << 10);
    private readonly Dictionary<int, long> _rows = [];
    private readonly Dictionary<int, long> _blockBytes = [];
    private readonly HashSet<int> _copyIds = [];
    private readonly byte[] _field = new byte[16];
    private State _state = State.Toc;
    private int _fieldHave;
    private int _intSize;
    private int _blockType;
    private int _dumpId;
    private long _chunkLeft;
    private bool _counting;
    private CopyDataTally _block;
    private long _position;
    private long _blockStart;
    private bool _blockEnded;

    public string? Failure { get; private set; }

    public IReadOnlyList<DumpTocEntry> Toc { get; private set; } = [];

    public IReadOnlyDictionary<int, long> RowsByDumpId => _rows;

    /// <summary>Each table data block's size in the dump, by dump id (a restore loads the largest first).</summary>
    public IReadOnlyDictionary<int, long> BlockBytesByDumpId => _blockBytes;

    /// <summary>Where the data area starts: the header and TOC are the bytes before it (0 until the TOC was read).</summary>
    public long DataStart { get; private set; }

    public void Append(ReadOnlySpan<byte> bytes)
    {
        try
        {
            if (_state == State.Toc) bytes = AppendToc(bytes);
            while (!bytes.IsEmpty && _state != State.Failed)
            {
                var rest = Step(bytes);
                _position += bytes.Length - rest.Length;
                bytes = rest;
                if (!_blockEnded) continue;
                _blockEnded = false;
                _blockBytes[_dumpId] = _position - _blockStart;
                tableDataEnded?.Invoke(new DumpDataBlock(_dumpId, _blockStart, _position));
            }
        }
        catch (Archive.ArchiveFormatException e)
        {
            Fail(e.Message);
        }
    }

    public void Complete()
    {
        if (_state == State.Failed) return;
        if (_state == State.Toc) Fail("the dump ended before its table of contents");
        else if (_state != State.BlockType || _fieldHave != 0) Fail($"the dump ended inside a data block ({_state})");
    }

    private ReadOnlySpan<byte> AppendToc(ReadOnlySpan<byte> bytes)
    {
        var before = _toc.WrittenCount;
        _toc.Write(bytes);
        var parsed = DumpTocParser.TryParse(_toc.WrittenSpan);
        if (parsed is null)
        {
            if (_toc.WrittenCount > MaxTocBytes) Fail($"no complete table of contents in the first {MaxTocBytes} bytes");
            return [];
        }

        Toc = parsed.Value.Entries;
        foreach (var e in Toc)
        {
            if (e.IsTableData && e.IsCopy) _copyIds.Add(e.DumpId);
        }

        _intSize = _toc.WrittenSpan[8];
        _state = State.BlockType;
        DataStart = _position = parsed.Value.Length;
        var rest = bytes[(parsed.Value.Length - before)..];
        _toc.Clear();
        return rest;
    }

    private ReadOnlySpan<byte> Step(ReadOnlySpan<byte> bytes)
    {
        switch (_state)
        {
            case State.BlockType:
                _blockStart = _position;
                _blockType = bytes[0];
                if (_blockType is not (BlkData or BlkBlobs)) Fail($"unknown data block type {_blockType}");
                else _state = State.BlockId;
                return bytes[1..];
            case State.BlockId:
                if (!TakeInt(ref bytes, out var id)) return bytes;
                _dumpId = (int)id;
                _counting = _blockType == BlkData && _copyIds.Contains(_dumpId);
                if (_blockType == BlkData && !_counting) Fail($"data block {_dumpId} is not the COPY data of a table in the table of contents");
                _block = default;
                _state = _blockType == BlkData ? State.ChunkLength : State.BlobOid;
                return bytes;
            case State.ChunkLength:
                if (!TakeInt(ref bytes, out var length)) return bytes;
                if (length < 0) Fail($"negative chunk length {length}");
                else if (length > 0) (_chunkLeft, _state) = (length, State.ChunkData);
                else if (_blockType == BlkBlobs) _state = State.BlobOid;
                else
                {
                    _rows[_dumpId] = _rows.GetValueOrDefault(_dumpId) + _block.Rows;
                    _state = State.BlockType;
                    _blockEnded = true;
                }
                return bytes;
            case State.ChunkData:
                var n = (int)Math.Min(_chunkLeft, bytes.Length);
                if (_counting) _block.Add(bytes[..n]);
                _chunkLeft -= n;
                if (_chunkLeft == 0) _state = State.ChunkLength;
                return bytes[n..];
            case State.BlobOid:
                if (!TakeInt(ref bytes, out var oid)) return bytes;
                _state = oid == 0 ? State.BlockType : State.ChunkLength;
                return bytes;
            default:
                return [];
        }
    }

    /// <summary>An archive int (a sign byte, then the int's bytes little-endian), possibly split across appends.</summary>
    private bool TakeInt(ref ReadOnlySpan<byte> bytes, out long value)
    {
        var need = 1 + _intSize;
        var take = Math.Min(need - _fieldHave, bytes.Length);
        bytes[..take].CopyTo(_field.AsSpan(_fieldHave));
        _fieldHave += take;
        bytes = bytes[take..];
        value = 0;
        if (_fieldHave < need) return false;
        _fieldHave = 0;
        if (_field[0] > 1 || (_intSize > 4 && _field.AsSpan(5, _intSize - 4).ContainsAnyExcept((byte)0)))
        {
            Fail("an integer in a data block is not valid");
            return false;
        }

        value = BinaryPrimitives.ReadUInt32LittleEndian(_field.AsSpan(1, 4));
        if (_field[0] == 1) value = -value;
        return true;
    }

    private void Fail(string reason)
    {
        Failure ??= reason;
        _state = State.Failed;
    }
}
