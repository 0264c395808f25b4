using Simil.Storage;
using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Simil.IO;

/// <summary>
/// <c>.fvecs</c> (the TEXMEX/ANN benchmark format): each vector is a little-endian int32 dimension
/// count followed by that many float32 values; every vector has the same count.
/// </summary>
static class FvecsReader
{
    public static EmbeddingMatrix Read(Stream stream, string file, VectorSink sink)
    {
        Span<byte> prefix = stackalloc byte[4];
        if (stream.ReadAtLeast(prefix, 4, throwOnEndOfStream: false) < 4)
            throw FileError.Byte(file, 0, "the file is empty or shorter than one dimension count; expected .fvecs records");
        int dims = BinaryPrimitives.ReadInt32LittleEndian(prefix);
        if (dims <= 0)
            throw FileError.Byte(file, 0, $"the first record declares {dims} dimensions; expected a positive count");
        long recordBytes = 4 + 4L * dims;
        long rows;
        if (stream.CanSeek)
        {
            // An upper bound: records are read one by one, so a bad count or a cut is found where it is.
            long length = stream.Length - stream.Position + 4;
            if (recordBytes > length)
                throw FileError.Byte(file, 0, $"the first record declares {dims} dimensions, more than the {length}-byte file holds (truncated or not .fvecs)");
            rows = (length + recordBytes - 1) / recordBytes;
        }
        else
            rows = 1024;
        FileError.CheckFits(file, "byte 0", rows, dims, sink);

        var data = sink.Reserve<float>(rows * dims);
        int count = 0;
        long offset = 4;
        while (true)
        {
            if (count == rows)
            {
                if (stream.CanSeek)
                    break;
                rows *= 2;
                FileError.CheckFits(file, $"byte {offset}", rows, dims, sink);
                data = sink.Grow<float>(rows * dims);
            }
            var row = data.Slice((long)count * dims, dims);
            var bytes = MemoryMarshal.AsBytes(row);
            int got = stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);
            if (got < bytes.Length)
                throw FileError.Byte(file, offset + got, $"the file ends inside vector {count + 1}: {bytes.Length - got} bytes are missing (truncated)");
            offset += bytes.Length;
            count++;
            int next = stream.ReadAtLeast(prefix, 4, throwOnEndOfStream: false);
            if (next == 0)
                break;
            if (next < 4)
                throw FileError.Byte(file, offset, "the file ends inside a dimension count (truncated)");
            int d = BinaryPrimitives.ReadInt32LittleEndian(prefix);
            if (d != dims)
                throw FileError.Byte(file, offset, $"vector {count + 1} declares {d} dimensions, the first declared {dims}");
            offset += 4;
        }
        FiniteCheck.Rows(data, (long)count * dims, dims, file);
        return sink.Complete<float>(count, dims, null);
    }
}
