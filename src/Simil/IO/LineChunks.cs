using Microsoft.Win32.SafeHandles;

namespace Simil.IO;

/// <summary>
/// Splits the lines of a file region into chunks that start at line starts, counting each chunk's
/// lines, so that the chunks can be parsed in parallel with exact line numbers. Each chunk is read
/// through its own <see cref="RegionStream"/> on the shared file handle.
/// </summary>
static class LineChunks
{
    /// <summary>Large enough that splitting pays; below it one chunk is used.</summary>
    const long MinimumChunk = 2 << 20;

    public readonly record struct Chunk(long Offset, long Length, long FirstLine, long Lines);

    public static Chunk[] Split(SafeFileHandle handle, long start, long end, long firstLine)
    {
        long length = end - start;
        int count = (int)Math.Clamp(length / MinimumChunk, 1, 4 * Environment.ProcessorCount);
        var bounds = new long[count + 1];
        bounds[0] = start;
        bounds[count] = end;
        var probe = new byte[64 * 1024];
        for (int i = 1; i < count; i++)
        {
            // Move each cut forward to just after the next line end.
            long at = Math.Max(bounds[i - 1], start + length * i / count);
            bounds[i] = end;
            while (at < end)
            {
                int read = RandomAccess.Read(handle, probe, at);
                if (read == 0)
                    break;
                int newline = probe.AsSpan(0, read).IndexOf((byte)'\n');
                if (newline >= 0)
                {
                    bounds[i] = Math.Min(end, at + newline + 1);
                    break;
                }
                at += read;
            }
        }
        var lines = new long[count];
        Parallel.For(0, count, i => lines[i] = CountLines(handle, bounds[i], bounds[i + 1]));
        var chunks = new Chunk[count];
        long line = firstLine;
        for (int i = 0; i < count; i++)
        {
            chunks[i] = new Chunk(bounds[i], bounds[i + 1] - bounds[i], line, lines[i]);
            line += lines[i];
        }
        return chunks;
    }

    /// <summary>Lines in [from, to): line ends, plus one for a last line without one.</summary>
    static long CountLines(SafeFileHandle handle, long from, long to)
    {
        if (from >= to)
            return 0;
        var buffer = new byte[64 * 1024];
        long lines = 0;
        byte last = (byte)'\n';
        for (long at = from; at < to;)
        {
            int read = RandomAccess.Read(handle, buffer.AsSpan(0, (int)Math.Min(buffer.Length, to - at)), at);
            if (read == 0)
                break;
            lines += buffer.AsSpan(0, read).Count((byte)'\n');
            last = buffer[read - 1];
            at += read;
        }
        return last == (byte)'\n' ? lines : lines + 1;
    }
}

/// <summary>A read-only stream over a region of a file, reading at offsets so that many can share one handle.</summary>
sealed class RegionStream(SafeFileHandle handle, long offset, long length) : Stream
{
    long _position;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => length;
    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset1, int count) => Read(buffer.AsSpan(offset1, count));

    public override int Read(Span<byte> buffer)
    {
        int want = (int)Math.Min(buffer.Length, length - _position);
        if (want <= 0)
            return 0;
        int read = RandomAccess.Read(handle, buffer[..want], offset + _position);
        _position += read;
        return read;
    }

    public override void Flush() { }
    public override long Seek(long offset1, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset1, int count) => throw new NotSupportedException();
}
