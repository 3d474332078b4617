using System.Runtime.InteropServices;
using BackupFunctions.Pipeline.Streams;

namespace BackupFunctions.Pipeline.Format;

/// <summary>
/// Reads zstd frames with native libzstd (the copy the ZstdNet package ships), refusing a stream that
/// ends inside a frame. ZstdNet's own DecompressionStream cannot refuse it: it drops the hint
/// ZSTD_decompressStream returns (0 only once a frame is complete and flushed), so a stream cut at a
/// frame's middle would read as a shorter, valid one. This class keeps that hint and throws
/// <see cref="EndOfStreamException"/> when the input ends while it is not 0, as the port's stream does
/// with checkEndOfStream. Corrupt input throws <see cref="InvalidDataException"/>.
/// </summary>
/// <remarks>
/// Decoding is about half of a restore's own CPU (docs/benchmarks.md, "Issue 17"); libzstd decodes
/// several times faster than the port. The input and output buffers are pinned for the stream's life,
/// so the calls need no unsafe code; output is decoded into the stream's buffer and copied out.
/// </remarks>
internal sealed class NativeZstdDecompressionStream : ReadOnlyStream
{
    private const int BufferSize = 128 << 10;

    private readonly Stream _input;
    private readonly byte[] _in = new byte[BufferSize];
    private readonly byte[] _out = new byte[BufferSize];
    private GCHandle _inPin;
    private GCHandle _outPin;
    private IntPtr _dstream;
    private Buffer _inBuf;
    private int _outPos;
    private int _outLen;
    private nuint _hint;
    private bool _inputEnded;

    [StructLayout(LayoutKind.Sequential)]
    private struct Buffer
    {
        public IntPtr Ptr;
        public nuint Size;
        public nuint Pos;
    }

    public NativeZstdDecompressionStream(Stream input)
    {
        _input = input;
        _dstream = ZSTD_createDStream();
        if (_dstream == IntPtr.Zero) throw new OutOfMemoryException("libzstd could not create a decompression context.");
        _inPin = GCHandle.Alloc(_in, GCHandleType.Pinned);
        _outPin = GCHandle.Alloc(_out, GCHandleType.Pinned);
        _inBuf = new Buffer { Ptr = _inPin.AddrOfPinnedObject(), Size = 0, Pos = 0 };
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        while (true)
        {
            if (TakeDecoded(buffer) is var n and > 0) return n;
            if (buffer.IsEmpty) return 0;
            if (_inBuf.Pos == _inBuf.Size && !_inputEnded) Fill(_input.Read(_in, 0, _in.Length));
            if (!DecodeSome()) return 0;
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            if (TakeDecoded(buffer.Span) is var n and > 0) return n;
            if (buffer.IsEmpty) return 0;
            if (_inBuf.Pos == _inBuf.Size && !_inputEnded) Fill(await _input.ReadAsync(_in.AsMemory(), cancellationToken).ConfigureAwait(false));
            if (!DecodeSome()) return 0;
        }
    }

    private int TakeDecoded(Span<byte> buffer)
    {
        var n = Math.Min(buffer.Length, _outLen - _outPos);
        if (n <= 0) return 0;
        _out.AsSpan(_outPos, n).CopyTo(buffer);
        _outPos += n;
        return n;
    }

    private void Fill(int read)
    {
        if (read == 0) _inputEnded = true;
        _inBuf.Size = (nuint)read;
        _inBuf.Pos = 0;
    }

    /// <summary>Runs the decoder once into the empty output buffer; false at the end of the stream (checked complete).</summary>
    private bool DecodeSome()
    {
        ObjectDisposedException.ThrowIf(_dstream == IntPtr.Zero, this);
        var output = new Buffer { Ptr = _outPin.AddrOfPinnedObject(), Size = (nuint)_out.Length, Pos = 0 };
        var inputLeft = _inBuf.Pos < _inBuf.Size;
        if (_inputEnded && !inputLeft)
        {
            // No input left. A hint of 0 means the last frame ended and is flushed (calling again would start a new
            // frame and ask for its header): the stream is over. Else flush what libzstd still holds; a frame that
            // yields nothing more is cut short.
            if (_hint == 0) return false;
            _hint = Check(ZSTD_decompressStream(_dstream, ref output, ref _inBuf));
            _outPos = 0;
            _outLen = (int)output.Pos;
            if (_outLen > 0) return true;
            throw new EndOfStreamException("The zstd stream ends inside a frame: it was cut short.");
        }

        _hint = Check(ZSTD_decompressStream(_dstream, ref output, ref _inBuf));
        _outPos = 0;
        _outLen = (int)output.Pos;
        return true;
    }

    private static nuint Check(nuint code)
    {
        if (ZSTD_isError(code) == 0) return code;
        throw new InvalidDataException("zstd: " + Marshal.PtrToStringAnsi(ZSTD_getErrorName(code)));
    }

    ~NativeZstdDecompressionStream() => Dispose(false);

    protected override void Dispose(bool disposing)
    {
        if (_dstream != IntPtr.Zero)
        {
            ZSTD_freeDStream(_dstream);
            _dstream = IntPtr.Zero;
            _inPin.Free();
            _outPin.Free();
        }
        base.Dispose(disposing);
    }

    // DllImport, not LibraryImport: the struct is blittable, so no unsafe code is needed.
    // The library ZstdNet loads: its package puts libzstd in runtimes/<rid>/native, which the host resolves for any assembly.
    [DllImport("libzstd", CallingConvention = CallingConvention.Cdecl)]
    private static extern IntPtr ZSTD_createDStream();

    [DllImport("libzstd", CallingConvention = CallingConvention.Cdecl)]
    private static extern nuint ZSTD_freeDStream(IntPtr zds);

    [DllImport("libzstd", CallingConvention = CallingConvention.Cdecl)]
    private static extern nuint ZSTD_decompressStream(IntPtr zds, ref Buffer output, ref Buffer input);

    [DllImport("libzstd", CallingConvention = CallingConvention.Cdecl)]
    private static extern uint ZSTD_isError(nuint code);

    [DllImport("libzstd", CallingConvention = CallingConvention.Cdecl)]
    private static extern IntPtr ZSTD_getErrorName(nuint code);
}
