using Simil.Storage;
using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace Simil.IO;

/// <summary>
/// NumPy <c>.npy</c> files (format versions 1–3): int8, uint8, float16, bfloat16 stored as uint16 (widened to float32), float32 or float64 in either byte order, C
/// order, shape <c>(n, d)</c> or <c>(d,)</c> (one vector). The data is read straight into the
/// matrix's array, so memory holds the vectors once; the declared shape is checked against the
/// file's size before anything is allocated.
/// </summary>
static unsafe partial class NpyReader
{
    static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    public static bool LooksLike(ReadOnlySpan<byte> head) => head.StartsWith(Magic);

    /// <summary>
    /// Reads the file; with <paramref name="bfloat16"/>, a uint16 file's values are bfloat16 bit patterns (and nothing else is accepted).
    /// With <paramref name="map"/> and a file on disk, little-endian float32 values are not copied:
    /// the rows are the file's own bytes through a read-only map (<see cref="MappedRows"/>), so any
    /// size reads in the time it takes to check the values are finite. Other values go into the
    /// sink a block of rows at a time, converted to float32 where they must be (an
    /// <see cref="AnySizeSink"/> has no 2³¹ limit).
    /// </summary>
    public static EmbeddingMatrix Read(Stream stream, string file, bool keepFloat64, VectorSink sink, bool bfloat16 = false, bool map = false)
    {
        var (dtype, bigEndian, rows, dims, dataOffset) = ReadHeader(stream, file);
        if (bfloat16 != (dtype == 'H'))
            throw FileError.Byte(file, 8, bfloat16
                ? $"the format npy-bfloat16 needs dtype uint16 ('<u2': bfloat16 bit patterns), but this file's elements are {DtypeName(dtype)}"
                : "dtype uint16 ('<u2') is not a vector element type; if it holds bfloat16 bit patterns (as a quantization to bfloat16 writes them), read it as the format npy-bfloat16",
                setting: bfloat16 ? null : nameof(VectorReadOptions.Format));
        int itemSize = dtype switch { 'b' or 'B' => 1, 'h' or 'H' => 2, 'f' => 4, _ => 8 };
        long expected = dataOffset + rows * dims * itemSize;
        if (stream.CanSeek && stream.Length != expected)
            throw FileError.Byte(file, Math.Min(stream.Length, expected), stream.Length < expected
                ? $"the file ends after {stream.Length} bytes but its header declares shape ({rows}, {dims}), which needs {expected}: it is truncated"
                : $"{stream.Length - expected} bytes follow the {rows} × {dims} values the header declares");
        int count = (int)rows, d = (int)dims;
        if (map && dtype == 'f' && !bigEndian && stream is FileStream { CanSeek: true } onDisk)
            return Map(onDisk, file, count, d, dataOffset);
        FileError.CheckFits(file, "header", rows, dims, sink);

        if (dtype == 'f')
            return ReadAsStored<float>(stream, file, bigEndian, count, d, dataOffset, sink);
        if (dtype == 'H')
            return ReadConverted<BFloat16>(stream, file, bigEndian, count, d, dataOffset, sink);
        if (dtype == 'h')
            return ReadConverted<Half>(stream, file, bigEndian, count, d, dataOffset, sink);
        if (dtype == 'b')
            return ReadConverted<sbyte>(stream, file, bigEndian, count, d, dataOffset, sink);
        if (dtype == 'B')
            return ReadConverted<byte>(stream, file, bigEndian, count, d, dataOffset, sink);
        return keepFloat64
            ? ReadAsStored<double>(stream, file, bigEndian, count, d, dataOffset, sink)
            : ReadConverted<double>(stream, file, bigEndian, count, d, dataOffset, sink);
    }

    /// <summary>
    /// float16, int8 and uint8 widened (exactly) or float64 narrowed (rounded) to float32 through a
    /// small buffer: memory holds the float32 result once.
    /// </summary>
    static string DtypeName(char dtype) => dtype switch
    {
        'b' => "int8", 'B' => "uint8", 'h' => "float16", 'H' => "uint16", 'f' => "float32", _ => "float64",
    };

    static EmbeddingMatrix ReadConverted<T>(Stream stream, string file, bool bigEndian, int count, int d, long dataOffset, VectorSink sink)
        where T : unmanaged
    {
        var floats = sink.Reserve<float>((long)count * d);
        var chunk = new T[Math.Max(1, Math.Min(floats.Length, 1 << 16))];
        int size = Unsafe.SizeOf<T>();
        for (long done = 0; done < floats.Length;)
        {
            int n = (int)Math.Min(chunk.Length, floats.Length - done);
            ReadExactly(stream, MemoryMarshal.AsBytes(chunk.AsSpan(0, n)), file, dataOffset + (long)done * size);
            if (bigEndian)
                ReverseEndianness(chunk.AsSpan(0, n));
            if (typeof(T) == typeof(Half))
                FiniteCheck.Rows(MemoryMarshal.Cast<T, Half>(chunk.AsSpan(0, n)), d, file, firstIndex: done);
            else if (typeof(T) == typeof(double))
                FiniteCheck.Rows(MemoryMarshal.Cast<T, double>(chunk.AsSpan(0, n)), d, file, firstIndex: done);
            var target = floats.Slice(done, n);
            if (typeof(T) == typeof(BFloat16))
            {
                var bits = MemoryMarshal.Cast<T, BFloat16>(chunk.AsSpan(0, n));
                for (int i = 0; i < n; i++)
                    target[i] = (float)bits[i];
                FiniteCheck.Rows<float>(target, d, file, firstIndex: done);
            }
            else
            {
                for (int i = 0; i < n; i++)
                    target[i] = Widen(chunk[i]);
            }
            done += n;
        }
        return sink.Complete<float>(count, d, null);
    }

    static float Widen<T>(T value) where T : unmanaged =>
        typeof(T) == typeof(Half) ? (float)Unsafe.As<T, Half>(ref value)
        : typeof(T) == typeof(sbyte) ? Unsafe.As<T, sbyte>(ref value)
        : typeof(T) == typeof(byte) ? Unsafe.As<T, byte>(ref value)
        : typeof(T) == typeof(BFloat16) ? (float)Unsafe.As<T, BFloat16>(ref value)
        : typeof(T) == typeof(float) ? Unsafe.As<T, float>(ref value)
        : (float)Unsafe.As<T, double>(ref value);

    /// <summary>
    /// The rows of a little-endian float32 file, in place: the file is mapped read-only and every
    /// value checked finite (in parallel, a block of rows at a time); nothing is copied. The map
    /// lives as long as the rows (dispose <c>matrix.Rows</c> to release it).
    /// </summary>
    static EmbeddingMatrix Map(FileStream stream, string file, int count, int d, long dataOffset)
    {
        var rows = MappedRows.Open(stream.Name, file, dataOffset, ElementType.Float32, count, d);
        try
        {
            int block = Math.Max(1, (1 << 20) / d);
            Parallel.For(0, (count + block - 1) / block, b =>
            {
                int first = b * block, n = Math.Min(block, count - first);
                FiniteCheck.Rows(rows.Range<float>(first, n), d, file, firstIndex: (long)first * d);
                // Checked: the pages go back until a use reads them (from the page cache), so a
                // file larger than memory is not held resident by the check.
                rows.Release(first, n);
            });
            return EmbeddingMatrix.Over(rows);
        }
        catch (AggregateException e) when (e.InnerException is InputException inner)
        {
            rows.Dispose();
            throw inner;
        }
        catch
        {
            rows.Dispose();
            throw;
        }
    }

    /// <summary>The values as the file stores them, read straight into the sink's memory.</summary>
    static EmbeddingMatrix ReadAsStored<T>(Stream stream, string file, bool bigEndian, int count, int d, long dataOffset, VectorSink sink)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        // Every byte is overwritten by the read: no need to zero the memory first. Read a block of
        // rows at a time: a room in native memory may hold more than one span.
        var data = sink.Reserve<T>((long)count * d);
        int block = Math.Max(1, (1 << 24) / d);
        for (int first = 0; first < count; first += block)
        {
            int n = Math.Min(block, count - first);
            long at = (long)first * d;
            var values = data.Slice(at, n * d);
            ReadExactly(stream, MemoryMarshal.AsBytes(values), file, dataOffset + at * Unsafe.SizeOf<T>());
            if (bigEndian)
                ReverseEndianness(values);
            FiniteCheck.Rows<T>(values, d, file, firstIndex: at);
        }
        return sink.Complete<T>(count, d, null);
    }

    static (char Kind, bool BigEndian, long Rows, long Dims, long DataOffset) ReadHeader(Stream stream, string file)
    {
        Span<byte> prefix = stackalloc byte[12];
        int got = stream.ReadAtLeast(prefix, prefix.Length, throwOnEndOfStream: false);
        if (got < 10 || !prefix.StartsWith(Magic))
            throw FileError.Byte(file, 0, "not a NumPy .npy file (it does not start with \\x93NUMPY)");
        int major = prefix[6];
        if (major is < 1 or > 3)
            throw FileError.Byte(file, 6, $".npy format version {major}.{prefix[7]} is not supported (1.0 to 3.0 are)");
        int lengthSize = major == 1 ? 2 : 4;
        if (got < 8 + lengthSize)
            throw FileError.Byte(file, got, "the file ends inside the .npy header");
        long headerLength = major == 1 ? BinaryPrimitives.ReadUInt16LittleEndian(prefix[8..]) : BinaryPrimitives.ReadUInt32LittleEndian(prefix[8..]);
        long dataOffset = 8 + lengthSize + headerLength;
        if (headerLength > 1 << 20 || (stream.CanSeek && dataOffset > stream.Length))
            throw FileError.Byte(file, 8, $"the header claims {headerLength} bytes, more than the file holds");
        // The shortest header NumPy accepts holds descr, fortran_order and shape: far more than the
        // bytes already read past the length field (found by fuzzing: a length of 0).
        if (headerLength < got - 8 - lengthSize)
            throw FileError.Byte(file, 8, $"the header claims {headerLength} bytes, too few to hold a .npy header");
        var header = new byte[headerLength];
        int already = got - 8 - lengthSize;
        prefix[(8 + lengthSize)..got].CopyTo(header);
        ReadExactly(stream, header.AsSpan(already), file, got);
        string text;
        try
        {
            text = new UTF8Encoding(false, true).GetString(header);
        }
        catch (DecoderFallbackException)
        {
            throw FileError.Byte(file, 8 + lengthSize, "the .npy header is not valid text");
        }

        var descr = DescrPattern().Match(text);
        if (!descr.Success)
            throw FileError.Byte(file, 8 + lengthSize, $"the .npy header has no 'descr': {text.Trim()}");
        var (byteOrder, kind) = (descr.Groups[1].Value, descr.Groups[2].Value);
        char type = kind switch { "f2" => 'h', "f4" => 'f', "f8" => 'd', "i1" => 'b', "u1" => 'B', "u2" => 'H', _ => '?' };
        if (type == '?')
            throw FileError.Byte(file, 8 + lengthSize, $"dtype '{byteOrder}{kind}' is not supported; convert to int8, uint8, float16, float32 or float64 (e.g. arr.astype('float32'))");
        var fortran = FortranPattern().Match(text);
        if (!fortran.Success)
            throw FileError.Byte(file, 8 + lengthSize, $"the .npy header has no 'fortran_order': {text.Trim()}");
        if (fortran.Groups[1].Value == "True")
            throw FileError.Byte(file, 8 + lengthSize, "the array is in Fortran order; save it in C order (numpy.ascontiguousarray) first");
        var shape = ShapePattern().Match(text);
        if (!shape.Success)
            throw FileError.Byte(file, 8 + lengthSize, $"the .npy header has no 'shape': {text.Trim()}");
        var parts = shape.Groups[1].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var sizes = new long[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!long.TryParse(parts[i], out sizes[i]) || sizes[i] < 0)
                throw FileError.Byte(file, 8 + lengthSize, $"shape ({shape.Groups[1].Value}) is not a list of sizes");
        var (rows, dims) = sizes.Length switch
        {
            1 => (1L, sizes[0]),
            2 => (sizes[0], sizes[1]),
            _ => throw FileError.Byte(file, 8 + lengthSize, $"shape ({shape.Groups[1].Value}) has {sizes.Length} dimensions; vectors need 1 (one vector) or 2 (rows × dimensions)"),
        };
        if (dims == 0 && rows > 0)
            throw FileError.Byte(file, 8 + lengthSize, $"shape ({shape.Groups[1].Value}) has vectors of length 0");
        if (rows > int.MaxValue || dims > int.MaxValue)
            throw FileError.At(file, "header", rows > int.MaxValue
                ? $"{rows} rows are more than one matrix can hold ({int.MaxValue})"
                : $"{dims} dimensions are more than one vector can hold ({int.MaxValue})");
        return (type, byteOrder == ">", rows, Math.Max(dims, 1), dataOffset);
    }

    static void ReadExactly(Stream stream, Span<byte> buffer, string file, long offset)
    {
        // A large read from a file is split across every core: the copies and the first touches
        // of the fresh array's pages (page faults) then proceed in parallel.
        if (stream is FileStream { CanSeek: true } fileStream && buffer.Length >= ParallelReadThreshold && stream.Position == offset)
        {
            ParallelRead(fileStream, buffer, file, offset);
            return;
        }
        int got = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        if (got < buffer.Length)
            throw FileError.Byte(file, offset + got, $"the file ends early: {buffer.Length - got} more bytes were expected (truncated)");
    }

    const int ParallelReadThreshold = 8 << 20;
    const int ParallelChunk = 4 << 20;

    static unsafe void ParallelRead(FileStream stream, Span<byte> buffer, string file, long offset)
    {
        if (stream.Length < offset + buffer.Length)
            throw FileError.Byte(file, stream.Length, $"the file ends early: {offset + buffer.Length - stream.Length} more bytes were expected (truncated)");
        var handle = stream.SafeFileHandle;
        int chunks = (buffer.Length + ParallelChunk - 1) / ParallelChunk;
        int length = buffer.Length;
        fixed (byte* start = buffer)
        {
            byte* basePointer = start;
            Parallel.For(0, chunks, chunk =>
            {
                int from = chunk * ParallelChunk, count = Math.Min(ParallelChunk, length - from);
                var target = new Span<byte>(basePointer + from, count);
                while (!target.IsEmpty)
                {
                    int read = RandomAccess.Read(handle, target, offset + from + (count - target.Length));
                    if (read == 0)
                        throw FileError.Byte(file, offset + from + (count - target.Length), "the file ends early (truncated)");
                    target = target[read..];
                }
            });
        }
        stream.Position = offset + buffer.Length;
    }

    /// <summary>Swaps the bytes of every element in place, whatever its width.</summary>
    static void ReverseEndianness<T>(Span<T> values) where T : unmanaged
    {
        switch (Unsafe.SizeOf<T>())
        {
            case 2: BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<T, ushort>(values), MemoryMarshal.Cast<T, ushort>(values)); break;
            case 4: BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<T, uint>(values), MemoryMarshal.Cast<T, uint>(values)); break;
            case 8: BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<T, ulong>(values), MemoryMarshal.Cast<T, ulong>(values)); break;
            case 1: break;
            default: throw new NotSupportedException($"{Unsafe.SizeOf<T>()}-byte elements");
        }
    }

    [GeneratedRegex(@"'descr'\s*:\s*'([<>|=]?)([a-zA-Z]\d*)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")]
    private static partial Regex FortranPattern();

    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
