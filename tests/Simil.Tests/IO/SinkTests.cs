using Simil.IO;
using Simil.Storage;

namespace Simil.Tests.IO;

/// <summary>Readers write into a sink: native memory gets exactly what a managed array gets, with no array holding it all.</summary>
public sealed class SinkTests
{
    public static TheoryData<VectorFileFormat> Writable() => [.. VectorFileWriter.Writable];

    static EmbeddingMatrix Sample(int rows, int dims)
    {
        var random = new Random(rows);
        var data = new float[rows * dims];
        for (int i = 0; i < data.Length; i++)
            data[i] = (float)(random.NextDouble() * 2 - 1);
        return EmbeddingMatrix.Create(data, dims, [.. Enumerable.Range(0, rows).Select(r => $"key{r}")]);
    }

    [Theory]
    [MemberData(nameof(Writable))]
    public void A_native_sink_reads_what_an_array_reads(VectorFileFormat format)
    {
        var bytes = new MemoryStream();
        VectorFileWriter.Write(bytes, Sample(3_000, 24), format);
        var inArray = VectorFile.Read(new MemoryStream(bytes.ToArray()), "sample", new VectorReadOptions { Format = format }).Vectors!;
        var inNative = VectorFile.Read(new MemoryStream(bytes.ToArray()), "sample", new VectorReadOptions { Format = format, Sink = new NativeSink() }).Vectors!;
        Assert.IsType<NativeRows>(inNative.Rows);
        Assert.IsType<ArrayRows<float>>(inArray.Rows);
        Assert.Equal((inArray.Count, inArray.Dimensions), (inNative.Count, inNative.Dimensions));
        Assert.True(inArray.Data.SequenceEqual(inNative.Data));
        Assert.Equal(inArray.Keys, inNative.Keys);
        inNative.Rows.Dispose();
    }

    [Fact]
    public void Npy_into_native_memory_allocates_no_array_of_the_vectors()
    {
        var bytes = new MemoryStream();
        VectorFileWriter.Write(bytes, Sample(40_000, 32), VectorFileFormat.Npy);   // 5 MB of floats
        var input = new MemoryStream(bytes.ToArray());
        // A stream, not a file: the read runs on this thread, so this thread's allocations are all of it.
        long before = GC.GetAllocatedBytesForCurrentThread();
        var vectors = VectorFile.Read(input, "big.npy", new VectorReadOptions { Sink = new NativeSink() }).Vectors!;
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(40_000, vectors.Count);
        Assert.True(allocated < 1_000_000, $"{allocated:N0} managed bytes allocated reading 5 MB of vectors");
        vectors.Rows.Dispose();
    }

    [Fact]
    public void Broken_input_into_a_native_sink_is_the_same_clean_error()
    {
        var bytes = new MemoryStream();
        VectorFileWriter.Write(bytes, Sample(100, 8), VectorFileFormat.Npy);
        var cut = bytes.ToArray()[..^10];
        var e = Assert.Throws<InputException>(() => VectorFile.Read(new MemoryStream(cut), "cut.npy", new VectorReadOptions { Sink = new NativeSink() }));
        Assert.Contains("truncated", e.Message, StringComparison.Ordinal);
    }
}
