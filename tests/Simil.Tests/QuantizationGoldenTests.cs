using Simil.Testing;
using Simil.IO;
using Simil.Quantization;

namespace Simil.Tests;

/// <summary>
/// The quantizer against NumPy: the golden files in Golden/quantization were written by
/// make_quantization_golden.py with sentence-transformers' formulas in float32, including values
/// outside the calibration range, a value of 1e9 and a dimension whose range is 0. Every byte must
/// match.
/// </summary>
public sealed class QuantizationGoldenTests
{
    static EmbeddingMatrix Golden(string name) =>
        VectorFile.Read(Repository.Path("tests", "Simil.Tests", "Golden", "quantization", name)).Vectors!;

    static readonly EmbeddingMatrix Rows = Golden("rows.npy");
    static readonly QuantizationRanges Ranges = QuantizationRanges.Of(Golden("calibration.npy"));

    [Fact]
    public void Int8_matches_numpy_byte_for_byte() =>
        Assert.Equal(Golden("int8.npy").Data.ToArray(), Quantizer.ToInt8(Rows, Ranges).Select(v => (float)v));

    [Fact]
    public void Uint8_matches_numpy_byte_for_byte() =>
        Assert.Equal(Golden("uint8.npy").Data.ToArray(), Quantizer.ToUInt8(Rows, Ranges).Select(v => (float)v));

    [Fact]
    public void Ubinary_and_binary_match_numpy_with_rows_padded_to_whole_bytes()
    {
        Assert.Equal(3, Quantizer.BytesPerBinaryRow(Rows.Dimensions));
        Assert.Equal(Golden("ubinary.npy").Data.ToArray(), Quantizer.ToUBinary(Rows).Select(v => (float)v));
        Assert.Equal(Golden("binary.npy").Data.ToArray(), Quantizer.ToBinary(Rows).Select(v => (float)v));
    }

    [Fact]
    public void Ranges_of_another_dimension_are_refused() =>
        Assert.Throws<ArgumentException>(() => Quantizer.ToInt8(Rows, new QuantizationRanges(new float[3], new float[3])));
}
