using System.Buffers.Binary;
using System.Text;

namespace Simil.Embeddings.Tests;

/// <summary>
/// The safetensors reader (issue 24: a Dense module's weights): files written here byte by byte as
/// the format specifies, read back exactly (F32 as is, F16 and BF16 widened exactly); every broken
/// header one <see cref="FileFormatException"/> naming the place.
/// </summary>
public sealed class SafeTensorsTests : IDisposable
{
    readonly string _folder = Directory.CreateTempSubdirectory("simil-st-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>A file from a header's JSON text and the data after it.</summary>
    string Write(string header, byte[] data, ulong? length = null)
    {
        var json = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + json.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, length ?? (ulong)json.Length);
        json.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + json.Length);
        var path = Path.Combine(_folder, $"{Guid.NewGuid():N}.safetensors");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    static byte[] F32(params float[] values)
    {
        var b = new byte[4 * values.Length];
        for (int i = 0; i < values.Length; i++)
            BinaryPrimitives.WriteSingleLittleEndian(b.AsSpan(4 * i), values[i]);
        return b;
    }

    static byte[] U16(params ushort[] values)
    {
        var b = new byte[2 * values.Length];
        for (int i = 0; i < values.Length; i++)
            BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(2 * i), values[i]);
        return b;
    }

    [Fact]
    public void Tensors_read_back_exactly_in_every_float_dtype()
    {
        float[] weights = [1.5f, -2.25f, 0f, float.Epsilon, 3.4028235e38f, -1e-30f];
        ushort[] halves = [0x3C00, 0x8001, 0x7BFF, 0xFC00, 0x0400, 0x3555]; // 1, −smallest subnormal, 65504, −∞, smallest normal, 0.333…
        ushort[] bfloats = [0x3F80, 0xC2F7, 0x0001, 0x7F7F];
        byte[] data = [.. F32(weights), .. U16(halves), .. U16(bfloats)];
        var path = Write("""
            {"__metadata__":{"format":"pt"},
             "linear.weight":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]},
             "half":{"dtype":"F16","shape":[6],"data_offsets":[24,36]},
             "brain":{"dtype":"BF16","shape":[2,2],"data_offsets":[36,44]}}
            """, data);
        var file = SafeTensorsFile.Read(path);
        Assert.Equal("pt", file.Metadata["format"]);
        Assert.Equal([2L, 3L], file.Tensors["linear.weight"].Shape);
        Assert.Equal(weights, file.Floats("linear.weight"));
        Assert.Equal(halves.Select(h => (float)BitConverter.UInt16BitsToHalf(h)), file.Floats("half"));
        Assert.Equal(bfloats.Select(b => BitConverter.UInt32BitsToSingle((uint)b << 16)), file.Floats("brain"));
        Assert.Equal([2L, 2L], file.Tensors["brain"].Shape);
    }

    [Fact]
    public void An_empty_tensor_and_a_scalar_are_whole()
    {
        var file = SafeTensorsFile.Read(Write("""{"empty":{"dtype":"F32","shape":[0,4],"data_offsets":[0,0]},"scalar":{"dtype":"F32","shape":[],"data_offsets":[0,4]}}""", F32(7f)));
        Assert.Empty(file.Floats("empty"));
        Assert.Equal([7f], file.Floats("scalar"));
    }

    [Theory]
    [InlineData("""{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""", 8, 9999UL, "byte 0", "past the file")]
    [InlineData("""{"w":""", 0, null, "byte 8", "not JSON")]
    [InlineData("""[1,2]""", 0, null, "header", "not a JSON object")]
    [InlineData("""{"w":{"shape":[2],"data_offsets":[0,8]}}""", 8, null, "header", "needs dtype")]
    [InlineData("""{"w":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}""", 8, null, "header", "not a list of sizes")]
    [InlineData("""{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,16]}}""", 8, null, "header", "not inside the data")]
    [InlineData("""{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}""", 8, null, "header", "which needs 12")]
    [InlineData("""{"w":{"dtype":"F12","shape":[2],"data_offsets":[0,8]}}""", 8, null, "header", "'F12' is not a safetensors dtype")]
    [InlineData("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""", 8, null, "header", "overlaps")]
    [InlineData("""{"w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""", 8, null, "header", "4 bytes before tensor 'w'")]
    [InlineData("""{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", 8, null, "header", "end at byte 4 of the data, which has 8")]
    [InlineData("""{"__metadata__":{"n":1}}""", 0, null, "header", "__metadata__.n is not a string")]
    public void Broken_files_are_one_line_naming_the_place(string header, int dataBytes, ulong? length, string place, string what)
    {
        var path = Write(header, new byte[dataBytes], length);
        var e = Assert.Throws<FileFormatException>(() => SafeTensorsFile.Read(path));
        Assert.StartsWith($"{path}: {place}: ", e.Message, StringComparison.Ordinal);
        Assert.Contains(what, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void A_short_file_a_missing_tensor_and_a_non_float_dtype_are_refused()
    {
        var tiny = Path.Combine(_folder, "tiny.safetensors");
        File.WriteAllBytes(tiny, [1, 2, 3]);
        Assert.Contains("too short", Assert.Throws<FileFormatException>(() => SafeTensorsFile.Read(tiny)).Message, StringComparison.Ordinal);
        var file = SafeTensorsFile.Read(Write("""{"ids":{"dtype":"I32","shape":[2],"data_offsets":[0,8]}}""", new byte[8]));
        Assert.Contains("has no tensor 'weight' (it has ids)", Assert.Throws<FileFormatException>(() => file.Floats("weight")).Message, StringComparison.Ordinal);
        Assert.Contains("is I32", Assert.Throws<FileFormatException>(() => file.Floats("ids")).Message, StringComparison.Ordinal);
    }
}
