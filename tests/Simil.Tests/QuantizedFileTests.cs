using System.Runtime.InteropServices;
using Simil.Quantization;

namespace Simil.Tests;

/// <summary>QuantizedFile writes a block of rows at a time: the bytes equal the whole-matrix quantizers' across block boundaries.</summary>
public sealed class QuantizedFileTests
{
    [Theory]
    [InlineData(Precision.Float32)]
    [InlineData(Precision.Float16)]
    [InlineData(Precision.BFloat16)]
    [InlineData(Precision.Int8)]
    [InlineData(Precision.UInt8)]
    [InlineData(Precision.Binary)]
    [InlineData(Precision.UBinary)]
    public void Blocks_give_the_whole_matrix_bytes(Precision precision)
    {
        const int rows = 9_000, dims = 13;   // two full blocks of 4,096 and a part
        var random = new Random(21);
        var values = new float[rows * dims];
        for (int i = 0; i < values.Length; i++)
            values[i] = (float)(random.NextDouble() * 4 - 2) * (i % 7 == 0 ? 100 : 1);
        var matrix = EmbeddingMatrix.Create(values, dims);
        var ranges = QuantizationRanges.Of(matrix);
        byte[] expected = precision switch
        {
            Precision.Float32 => MemoryMarshal.AsBytes(values.AsSpan()).ToArray(),
            Precision.Float16 => MemoryMarshal.AsBytes(Quantizer.ToFloat16(matrix).AsSpan()).ToArray(),
            Precision.BFloat16 => MemoryMarshal.AsBytes(Quantizer.ToBFloat16(matrix).AsSpan()).ToArray(),
            Precision.Int8 => MemoryMarshal.AsBytes(Quantizer.ToInt8(matrix, ranges).AsSpan()).ToArray(),
            Precision.UInt8 => Quantizer.ToUInt8(matrix, ranges),
            Precision.Binary => MemoryMarshal.AsBytes(Quantizer.ToBinary(matrix).AsSpan()).ToArray(),
            _ => Quantizer.ToUBinary(matrix),
        };
        var path = Path.Combine(Path.GetTempPath(), $"simil-q-{Guid.NewGuid():N}.npy");
        try
        {
            QuantizedFile.WriteNpy(path, matrix, precision);
            var file = File.ReadAllBytes(path);
            int headerEnd = 10 + (file[8] | file[9] << 8);
            Assert.Equal(expected, file[headerEnd..]);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
