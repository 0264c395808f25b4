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

    [Theory]
    [MemberData(nameof(Writable))]
    public void Any_size_past_its_array_limit_reads_into_native_memory_what_an_array_reads(VectorFileFormat format)
    {
        var bytes = new MemoryStream();
        VectorFileWriter.Write(bytes, Sample(3_000, 24), format);
        var inArray = VectorFile.Read(new MemoryStream(bytes.ToArray()), "sample", new VectorReadOptions { Format = format }).Vectors!;
        var below = VectorFile.Read(new MemoryStream(bytes.ToArray()), "sample", new VectorReadOptions { Format = format, Map = true }).Vectors!;
        var past = VectorFile.Read(new MemoryStream(bytes.ToArray()), "sample", new VectorReadOptions { Format = format, Map = true, MaxValues = 1_000 }).Vectors!;
        Assert.IsType<ArrayRows<float>>(below.Rows);
        Assert.IsType<NativeRows>(past.Rows);
        Assert.True(inArray.Data.SequenceEqual(below.Data));
        Assert.True(inArray.Data.SequenceEqual(past.Data));
        Assert.Equal(inArray.Keys, past.Keys);
        past.Rows.Dispose();
    }

    [Fact]
    public void Any_size_moves_to_native_memory_when_a_room_grows_past_its_limit_keeping_the_values()
    {
        var sink = new AnySizeSink(16);
        var room = sink.Reserve<float>(12);
        for (int i = 0; i < 12; i++)
            room.Slice(i, 1)[0] = i + 0.5f;
        room = sink.Grow<float>(40);
        Assert.Equal(40, room.Length);
        for (int i = 12; i < 40; i++)
            room.Slice(i, 1)[0] = -i;
        var matrix = sink.Complete<float>(10, 4, null);
        Assert.IsType<NativeRows>(matrix.Rows);
        Assert.Equal([.. Enumerable.Range(0, 12).Select(i => i + 0.5f), .. Enumerable.Range(12, 28).Select(i => (float)-i)], matrix.Data.ToArray());
        matrix.Rows.Dispose();
    }

    [Fact]
    public void A_room_refuses_a_slice_outside_it()
    {
        var room = new NativeSink().Reserve<float>(8);
        Assert.Throws<ArgumentOutOfRangeException>(() => room.Slice(5, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => room.Slice(-1, 1));
        Assert.Equal(3, room.Slice(5, 3).Length);
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
        var e = Assert.Throws<FileFormatException>(() => VectorFile.Read(new MemoryStream(cut), "cut.npy", new VectorReadOptions { Sink = new NativeSink() }));
        Assert.Contains("truncated", e.Message, StringComparison.Ordinal);
    }
}
