namespace Simil.IO;

/// <summary>
/// Reads a stream as lines of UTF-8 bytes without decoding them, with each line's number and byte
/// offset for error messages. Lines end at <c>\n</c>; a <c>\r</c> before it is dropped. Holds one
/// buffer, grown only for a line longer than it.
/// </summary>
sealed class LineReader(Stream stream, int bufferSize = 64 * 1024)
{
    byte[] _buffer = new byte[bufferSize];
    int _start;
    int _end;
    bool _eof;
    long _bufferOffset;   // file offset of _buffer[0]

    /// <summary>1-based number of the line last returned.</summary>
    public long LineNumber { get; private set; }

    /// <summary>Byte offset in the file of the start of the line last returned.</summary>
    public long LineOffset { get; private set; }

    /// <summary>The byte offset just after the last line returned (where the next one starts).</summary>
    public long Position => _bufferOffset + _start;

    /// <summary>The next line, without its end of line; false at the end of the stream.</summary>
    public bool TryReadLine(out ReadOnlySpan<byte> line)
    {
        while (true)
        {
            int newline = _buffer.AsSpan(_start, _end - _start).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                line = Take(newline, 1);
                return true;
            }
            if (_eof)
            {
                if (_start < _end)
                {
                    line = Take(_end - _start, 0);
                    return true;
                }
                line = default;
                return false;
            }
            Fill();
        }
    }

    ReadOnlySpan<byte> Take(int length, int terminator)
    {
        LineNumber++;
        LineOffset = _bufferOffset + _start;
        var line = _buffer.AsSpan(_start, length);
        _start += length + terminator;
        return line.Length > 0 && line[^1] == (byte)'\r' ? line[..^1] : line;
    }

    void Fill()
    {
        // Move the partial line to the front, growing the buffer when the line fills it.
        int pending = _end - _start;
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, pending);
            _bufferOffset += _start;
            _start = 0;
            _end = pending;
        }
        if (_end == _buffer.Length)
            Array.Resize(ref _buffer, _buffer.Length * 2);
        int read = stream.Read(_buffer, _end, _buffer.Length - _end);
        if (read == 0)
            _eof = true;
        _end += read;
    }
}
