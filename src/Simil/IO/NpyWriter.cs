using System.Runtime.InteropServices;
using System.Text;

namespace Simil.IO;

/// <summary>NumPy <c>.npy</c> version 1.0: little-endian float32 (or float64 for a float64 matrix; int8, uint8 or float16 codes), C order, shape (n, d).</summary>
static class NpyWriter
{
    /// <summary>The matrix as stored (float32, or float64 kept), a row at a time: any size.</summary>
    public static void Write(Stream output, EmbeddingMatrix matrix)
    {
        Header(output, matrix.IsFloat64 ? "<f8" : "<f4", matrix.Count, matrix.Dimensions);
        for (int r = 0; r < matrix.Count; r++)
            if (matrix.IsFloat64)
                output.Write(MemoryMarshal.AsBytes(matrix.GetRow64(r)));
            else
                output.Write(MemoryMarshal.AsBytes(matrix.Rows.Row<float>(r)));
    }

    /// <summary>The header of an (n, d) array of dtype <paramref name="descr"/>; the caller writes the n × d values after it.</summary>
    public static void WriteHeader(Stream output, string descr, long rows, long columns) => Header(output, descr, rows, columns);

    /// <summary>Row-major <paramref name="values"/> as an (n, d) array of dtype <paramref name="descr"/> (|i1, |u1, &lt;f2; little-endian).</summary>
    public static void Write<T>(Stream output, ReadOnlySpan<T> values, int rows, int columns, string descr) where T : unmanaged
    {
        Header(output, descr, rows, columns);
        output.Write(MemoryMarshal.AsBytes(values));
    }

    static void Header(Stream output, string descr, long rows, long columns)
    {
        string dict = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': ({rows}, {columns}), }}";
        // Magic (6) + version (2) + length (2) + dict + padding + '\n' is a multiple of 64.
        int total = (10 + dict.Length + 1 + 63) / 64 * 64;
        var header = dict.PadRight(total - 10 - 1) + "\n";
        output.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y']);
        output.WriteByte(1);
        output.WriteByte(0);
        Span<byte> length = stackalloc byte[2];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(length, (ushort)header.Length);
        output.Write(length);
        output.Write(Encoding.ASCII.GetBytes(header));
    }
}
