using System.Runtime.InteropServices;
using System.Text;

namespace Simil.IO;

/// <summary>NumPy <c>.npy</c> version 1.0: little-endian float32 (or float64 for a float64 matrix), C order, shape (n, d).</summary>
static class NpyWriter
{
    public static void Write(Stream output, EmbeddingMatrix matrix)
    {
        string descr = matrix.IsFloat64 ? "<f8" : "<f4";
        string dict = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': ({matrix.Count}, {matrix.Dimensions}), }}";
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
        if (matrix.IsFloat64)
            output.Write(MemoryMarshal.AsBytes(matrix.Data64));
        else
            output.Write(MemoryMarshal.AsBytes(matrix.Data));
    }
}
