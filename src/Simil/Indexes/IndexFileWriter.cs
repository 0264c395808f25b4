using System.Buffers.Binary;
using System.IO.Hashing;
using Simil.IO;

namespace Simil.Indexes;

/// <summary>One section to write: its id, its exact length, and what writes its bytes.</summary>
sealed record IndexSection(uint Id, long Length, Action<Stream> Write);

/// <summary>
/// Writes an index file (<c>docs/index-format.md</c>): to a temporary file beside the target,
/// flushed to the disk, then renamed over it (<see cref="AtomicFile"/>), so the old file stays
/// intact until the new one is complete. The preamble and the section table are written last,
/// once every section's checksum is known.
/// </summary>
static class IndexFileWriter
{
    public static void Write(string path, IndexInfo info, IReadOnlyList<IndexSection> sections)
    {
        var header = IndexHeader.Serialize(info);
        AtomicFile.Write(path, stream => WriteTo(stream, header, sections, path));
    }

    static void WriteTo(Stream stream, byte[] header, IReadOnlyList<IndexSection> sections, string path)
    {
        int tableBytes = sections.Count * IndexFormat.TableEntryBytes;
        long offset = IndexFormat.Align(IndexFormat.PreambleBytes + tableBytes + header.Length);
        var offsets = new long[sections.Count];
        for (int i = 0; i < sections.Count; i++)
        {
            offsets[i] = offset;
            offset = i + 1 < sections.Count ? IndexFormat.Align(offset + sections[i].Length) : offset + sections[i].Length;
        }

        // Placeholder preamble and table (filled in last), the header, the padding.
        stream.Write(new byte[IndexFormat.PreambleBytes + tableBytes]);
        stream.Write(header);
        var checksums = new ulong[sections.Count];
        for (int i = 0; i < sections.Count; i++)
        {
            Pad(stream, offsets[i]);
            var hashing = new ChecksumStream(stream);
            sections[i].Write(hashing);
            if (hashing.Written != sections[i].Length)
                throw new InvalidOperationException($"{path}: section {IndexFormat.Name(sections[i].Id)} wrote {hashing.Written} bytes, not the {sections[i].Length} it declared");
            checksums[i] = hashing.Checksum;
        }

        var head = new byte[IndexFormat.PreambleBytes + tableBytes];
        IndexFormat.Magic.CopyTo(head);
        BinaryPrimitives.WriteUInt16LittleEndian(head.AsSpan(8), IndexFormat.Major);
        BinaryPrimitives.WriteUInt16LittleEndian(head.AsSpan(10), IndexFormat.Minor);
        BinaryPrimitives.WriteUInt32LittleEndian(head.AsSpan(12), (uint)sections.Count);
        BinaryPrimitives.WriteUInt32LittleEndian(head.AsSpan(16), (uint)header.Length);
        for (int i = 0; i < sections.Count; i++)
        {
            var entry = head.AsSpan(IndexFormat.PreambleBytes + i * IndexFormat.TableEntryBytes, IndexFormat.TableEntryBytes);
            BinaryPrimitives.WriteUInt32LittleEndian(entry, sections[i].Id);
            BinaryPrimitives.WriteInt64LittleEndian(entry[8..], offsets[i]);
            BinaryPrimitives.WriteInt64LittleEndian(entry[16..], sections[i].Length);
            BinaryPrimitives.WriteUInt64LittleEndian(entry[24..], checksums[i]);
        }
        BinaryPrimitives.WriteUInt64LittleEndian(head.AsSpan(24), HeaderChecksum(head.AsSpan(0, 24), head.AsSpan(IndexFormat.PreambleBytes), header));
        stream.Position = 0;
        stream.Write(head);
        stream.Position = stream.Length;
    }

    /// <summary>XxHash3 of preamble bytes 0–23, the section table and the JSON header.</summary>
    public static ulong HeaderChecksum(ReadOnlySpan<byte> preamble24, ReadOnlySpan<byte> table, ReadOnlySpan<byte> header)
    {
        var hash = new XxHash3();
        hash.Append(preamble24);
        hash.Append(table);
        hash.Append(header);
        return hash.GetCurrentHashAsUInt64();
    }

    static void Pad(Stream stream, long to)
    {
        long gap = to - stream.Position;
        if (gap > 0)
            stream.Write(new byte[gap]);
    }

    /// <summary>Passes writes through and hashes them.</summary>
    sealed class ChecksumStream(Stream inner) : Stream
    {
        readonly XxHash3 _hash = new();

        public long Written { get; private set; }

        public ulong Checksum => _hash.GetCurrentHashAsUInt64();

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            _hash.Append(buffer);
            inner.Write(buffer);
            Written += buffer.Length;
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void WriteByte(byte value) => Write([value]);

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => Written; set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
