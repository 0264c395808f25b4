using System.Runtime.InteropServices;

namespace Simil.IO;

/// <summary>
/// word2vec binary: a text header <c>count dimensions\n</c>, then for each vector its key, one
/// space and <c>dimensions</c> little-endian float32 values, with or without a newline after the
/// record (both exist in the wild; a newline before a key is skipped). The declared size is checked
/// against the file's length before the array is allocated.
/// </summary>
static class Word2VecBinaryReader
{
    public static EmbeddingMatrix Read(Stream stream, string file, List<string> warnings)
    {
        long fileLength = stream.CanSeek ? stream.Length - stream.Position : -1;
        var input = new BufferedStream(stream, 1 << 20);
        long offset = 0;

        var header = ReadUntil(input, (byte)'\n', file, ref offset, 64, "the header");
        var text = System.Text.Encoding.ASCII.GetString(header).Trim();
        var parts = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 2 || !long.TryParse(parts[0], out long declared) || !int.TryParse(parts[1], out int dims) || declared < 0 || dims <= 0)
            throw FileError.Byte(file, 0, $"expected a header 'count dimensions' (two positive integers), found '{Tokens.Show(header)}'");
        long recordMinimum = 2 + 4L * dims;   // a one-byte key, the space, the values
        // A claim far beyond the file's size is a wrong header: refuse it before allocating. A
        // smaller shortfall is read until the place where the file is cut, which is reported.
        if (fileLength >= 0 && declared * recordMinimum > 2 * fileLength + (1 << 20))
            throw FileError.Byte(file, 0, $"the header declares {declared} vectors of {dims} float32 values, far more than the {fileLength}-byte file holds");
        if (declared * dims > Array.MaxLength)
            FileError.ThrowTooLarge(file, "byte 0", declared, dims);
        if (declared == 0)
            throw FileError.Byte(file, offset, "the file holds no vectors");

        var data = new float[declared * dims];
        var keys = new List<string>((int)Math.Min(declared, 1 << 20));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        int rows = 0, duplicates = 0;
        string? firstDuplicate = null;
        for (long record = 0; record < declared; record++)
        {
            long keyOffset = offset;
            var keyBytes = ReadUntil(input, (byte)' ', file, ref offset, 4096, $"the key of vector {record + 1}");
            int skip = 0;
            while (skip < keyBytes.Length && keyBytes[skip] == (byte)'\n')
                skip++;
            if (skip == keyBytes.Length)
                throw FileError.Byte(file, keyOffset, $"vector {record + 1} has an empty key");
            var key = Tokens.Key(keyBytes.AsSpan(skip), file, $"byte {keyOffset + skip}");
            var row = data.AsSpan(rows * dims, dims);
            var bytes = MemoryMarshal.AsBytes(row);
            int got = input.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);
            if (got < bytes.Length)
                throw FileError.Byte(file, offset + got, $"the file ends inside vector {record + 1} ('{key}'): {bytes.Length - got} of its {bytes.Length} bytes are missing (truncated)");
            if (!BitConverter.IsLittleEndian)
                System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<float, int>(row), MemoryMarshal.Cast<float, int>(row));
            for (int c = 0; c < dims; c++)
                if (!float.IsFinite(row[c]))
                    throw FileError.Byte(file, offset + 4L * c, $"vector {record + 1} ('{key}'), value {c + 1}: {Tokens.Message(row[c])} is not a valid vector value");
            offset += bytes.Length;
            if (!seen.Add(key))
            {
                duplicates++;
                firstDuplicate ??= key;
                continue;
            }
            keys.Add(key);
            rows++;
        }
        // What follows the last record may only be line ends.
        int next;
        while ((next = input.ReadByte()) >= 0)
        {
            if (next is not ((byte)'\n' or (byte)'\r'))
                throw FileError.Byte(file, offset, $"data follows the {declared} vectors the header declares");
            offset++;
        }
        if (duplicates > 0)
            warnings.Add($"{file}: {duplicates} duplicate key{(duplicates == 1 ? "" : "s")} ignored, the first occurrence kept (first: '{firstDuplicate}')");
        return EmbeddingMatrix.Wrap(data, rows, dims, [.. keys]);
    }

    static byte[] ReadUntil(Stream input, byte end, string file, ref long offset, int limit, string what)
    {
        var bytes = new List<byte>(32);
        long start = offset;
        while (true)
        {
            int b = input.ReadByte();
            if (b < 0)
                throw FileError.Byte(file, offset, $"the file ends inside {what} (truncated)");
            offset++;
            if (b == end)
                return [.. bytes];
            if (bytes.Count == limit)
                throw FileError.Byte(file, start, $"{what} is longer than {limit} bytes; this is not word2vec binary data");
            bytes.Add((byte)b);
        }
    }
}
