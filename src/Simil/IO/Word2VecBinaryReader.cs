using Simil.Storage;
using System.Runtime.InteropServices;

namespace Simil.IO;

/// <summary>
/// word2vec binary: a text header <c>count dimensions\n</c>, then for each vector its key, one
/// space and <c>dimensions</c> little-endian float32 values, with or without a newline after the
/// record (both exist in the wild; newlines before a key are skipped). Records are parsed from a
/// 1 MiB window straight into the matrix, so memory holds the vectors once; a declared size far
/// beyond the file's length is refused before anything is allocated.
/// </summary>
static class Word2VecBinaryReader
{
    const int MaxKeyBytes = 4096;

    public static EmbeddingMatrix Read(Stream stream, string file, List<string> warnings, VectorSink sink)
    {
        long fileLength = stream.CanSeek ? stream.Length - stream.Position : -1;
        var window = new Window(stream, 1 << 20);

        int headerEnd = window.Find((byte)'\n', 64);
        if (headerEnd < 0)
            throw FileError.Byte(file, 0, "expected a header 'count dimensions' on the first line");
        var header = window.Take(headerEnd + 1)[..^1];
        int pos = 0;
        if (!Tokens.Next(header, ref pos, out int s0, out int l0) || !Tokens.Next(header, ref pos, out int s1, out int l1)
            || Tokens.Next(header, ref pos, out _, out _)
            || !long.TryParse(header.Slice(s0, l0), out long declared) || !int.TryParse(header.Slice(s1, l1), out int dims) || declared < 0 || dims <= 0)
            throw FileError.Byte(file, 0, $"expected a header 'count dimensions' (two positive integers), found '{Tokens.Show(header)}'");
        long recordMinimum = 2 + 4L * dims;   // a one-byte key, the space, the values
        // A claim far beyond the file's size is a wrong header: refuse it before allocating. A
        // smaller shortfall is read until the place where the file is cut, which is reported.
        if (fileLength >= 0 && declared * recordMinimum > 2 * fileLength + (1 << 20))
            throw FileError.Byte(file, 0, $"the header declares {declared} vectors of {dims} float32 values, far more than the {fileLength}-byte file holds");
        FileError.CheckFits(file, "byte 0", declared, dims, sink);
        if (declared == 0)
            throw FileError.Byte(file, window.Offset, "the file holds no vectors");

        var room = sink.Reserve<float>(declared * dims);
        var keys = new string[declared];
        var seen = new HashSet<string>((int)Math.Min(declared, 1 << 24), StringComparer.Ordinal);
        int rows = 0, duplicates = 0;
        string? firstDuplicate = null;
        int recordBytes = 4 * dims;
        for (long record = 0; record < declared; record++)
        {
            while (window.Peek() == (byte)'\n')
                window.Take(1);
            long keyOffset = window.Offset;
            int space = window.Find((byte)' ', MaxKeyBytes);
            if (space < 0)
                throw window.AtEnd
                    ? FileError.Byte(file, window.Offset + window.Available, $"the file ends before vector {record + 1} of the {declared} the header declares (truncated)")
                    : FileError.Byte(file, keyOffset, $"the key of vector {record + 1} is longer than {MaxKeyBytes} bytes; this is not word2vec binary data");
            if (space == 0)
                throw FileError.Byte(file, keyOffset, $"vector {record + 1} has an empty key");
            var key = Tokens.Key(window.Take(space + 1)[..^1], file, $"byte {keyOffset}");
            if (!window.Ensure(recordBytes))
                throw FileError.Byte(file, window.Offset + window.Available, $"the file ends inside vector {record + 1} ('{key}'): {recordBytes - window.Available} of its {recordBytes} bytes are missing (truncated)");
            var values = MemoryMarshal.Cast<byte, float>(window.Take(recordBytes));
            if (!seen.Add(key))
            {
                duplicates++;
                firstDuplicate ??= key;
                continue;
            }
            var row = room.Slice((long)rows * dims, dims);
            values.CopyTo(row);
            if (!BitConverter.IsLittleEndian)
                System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<float, int>(row), MemoryMarshal.Cast<float, int>(row));
            keys[rows++] = key;
        }
        // What follows the last record may only be line ends.
        while (window.Ensure(1))
        {
            if (window.Peek() is not ((byte)'\n' or (byte)'\r'))
                throw FileError.Byte(file, window.Offset, $"data follows the {declared} vectors the header declares");
            window.Take(1);
        }
        // One vectorised pass for NaN and infinity; the message names the vector and its key.
        long bad = FiniteCheck.FirstNonFinite(room, (long)rows * dims);
        if (bad >= 0)
            throw FileError.At(file, $"vector {bad / dims + 1} ('{keys[bad / dims]}'), value {bad % dims + 1}", $"{Tokens.Message(room.Slice(bad, 1)[0])} is not a valid vector value");
        if (duplicates > 0)
            warnings.Add($"{file}: {duplicates} duplicate key{(duplicates == 1 ? "" : "s")} ignored, the first occurrence kept (first: '{firstDuplicate}')");
        if (rows < keys.Length)
            Array.Resize(ref keys, rows);
        return sink.Complete<float>(rows, dims, keys);
    }

    /// <summary>A sliding window over the stream: look ahead, then take bytes from the front.</summary>
    sealed class Window(Stream stream, int size)
    {
        byte[] _buffer = new byte[size];
        int _start, _end;
        bool _eof;

        /// <summary>File offset of the first byte not yet taken.</summary>
        public long Offset { get; private set; }

        public int Available => _end - _start;

        public bool AtEnd => _eof && _start == _end;

        /// <summary>Makes at least <paramref name="count"/> bytes available; false when the stream ends first.</summary>
        public bool Ensure(int count)
        {
            while (_end - _start < count && !_eof)
            {
                if (_start > 0)
                {
                    Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                    _end -= _start;
                    _start = 0;
                }
                if (_end + count > _buffer.Length && count > _buffer.Length - _end)
                    Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, count));
                int read = stream.Read(_buffer, _end, _buffer.Length - _end);
                if (read == 0)
                    _eof = true;
                _end += read;
            }
            return _end - _start >= count;
        }

        public int Peek() => Ensure(1) ? _buffer[_start] : -1;

        /// <summary>The index (from the front) of <paramref name="value"/> within <paramref name="limit"/> bytes; -1 if absent.</summary>
        public int Find(byte value, int limit)
        {
            int found;
            while ((found = _buffer.AsSpan(_start, Math.Min(_end - _start, limit)).IndexOf(value)) < 0)
            {
                if (_end - _start >= limit || !Ensure(_end - _start + 1))
                    return -1;
            }
            return found;
        }

        public ReadOnlySpan<byte> Take(int count)
        {
            var taken = _buffer.AsSpan(_start, count);
            _start += count;
            Offset += count;
            return taken;
        }
    }
}
