using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;

namespace Simil.Benchmarks;

/// <summary>Where the vectors live while they are scored.</summary>
public enum Residency
{
    /// <summary>One pair, scored again and again: it stays in L1.</summary>
    L1,

    /// <summary>A new pair each call, streamed from a 256 MiB buffer: larger than L2 and most of L3.</summary>
    Memory,
}

/// <summary>
/// One pair of vectors scored by Simil, TensorPrimitives and NumKong, per dimension and residency.
/// Each benchmark scores every pair in its set once; the reported time is per pair.
/// </summary>
[Config(typeof(KernelConfig))]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory, BenchmarkLogicalGroupRule.ByParams)]
[CategoriesColumn]
public unsafe class KernelBenchmarks
{
    const long MemoryBytes = 256L << 20;
    const int PairsPerInvoke = 1024;

    float* _data;
    nuint _bytes;
    int _pairs;
    int _next;

    [Params(128, 384, 768, 1023, 1536)]
    public int Dimensions { get; set; }

    [Params(Residency.L1, Residency.Memory)]
    public Residency Residency { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _pairs = Residency == Residency.L1 ? 1 : (int)(MemoryBytes / (2L * Dimensions * sizeof(float)));
        long floats = 2L * _pairs * Dimensions;
        _bytes = (nuint)(floats * sizeof(float));
        _data = (float*)NativeMemory.AlignedAlloc(_bytes, 64);
        var random = new Random(42);
        for (long i = 0; i < floats; i++)
            _data[i] = (float)(random.NextDouble() * 2 - 1);
        _next = 0;
    }

    [GlobalCleanup]
    public void Cleanup() => NativeMemory.AlignedFree(_data);

    /// <summary>The next pair: the same one for L1, the following one in memory otherwise.</summary>
    (IntPtr A, IntPtr B) Next()
    {
        int p = _next;
        _next = p + 1 == _pairs ? 0 : p + 1;
        float* a = _data + 2L * p * Dimensions;
        return ((IntPtr)a, (IntPtr)(a + Dimensions));
    }

    ReadOnlySpan<float> Span(IntPtr p) => new((void*)p, Dimensions);

    [Benchmark(OperationsPerInvoke = PairsPerInvoke), BenchmarkCategory("dot")]
    public float Simil_Dot()
    {
        float s = 0;
        for (int i = 0; i < PairsPerInvoke; i++) { var (a, b) = Next(); s += Similarity.Dot(Span(a), Span(b)); }
        return s;
    }

    [Benchmark(OperationsPerInvoke = PairsPerInvoke, Baseline = true), BenchmarkCategory("dot")]
    public float TensorPrimitives_Dot()
    {
        float s = 0;
        for (int i = 0; i < PairsPerInvoke; i++) { var (a, b) = Next(); s += TensorPrimitives.Dot(Span(a), Span(b)); }
        return s;
    }

    [Benchmark(OperationsPerInvoke = PairsPerInvoke), BenchmarkCategory("dot")]
    public double NumKong_Dot()
    {
        double s = 0, r;
        for (int i = 0; i < PairsPerInvoke; i++) { var (a, b) = Next(); NumKong.Dot((float*)a, (float*)b, (nuint)Dimensions, &r); s += r; }
        return s;
    }

    [Benchmark(OperationsPerInvoke = PairsPerInvoke), BenchmarkCategory("cosine")]
    public float Simil_Cosine()
    {
        float s = 0;
        for (int i = 0; i < PairsPerInvoke; i++) { var (a, b) = Next(); s += Similarity.Cosine(Span(a), Span(b)); }
        return s;
    }

    [Benchmark(OperationsPerInvoke = PairsPerInvoke, Baseline = true), BenchmarkCategory("cosine")]
    public float TensorPrimitives_Cosine()
    {
        float s = 0;
        for (int i = 0; i < PairsPerInvoke; i++) { var (a, b) = Next(); s += TensorPrimitives.CosineSimilarity(Span(a), Span(b)); }
        return s;
    }

    [Benchmark(OperationsPerInvoke = PairsPerInvoke), BenchmarkCategory("cosine")]
    public double NumKong_Cosine()
    {
        double s = 0, r;
        for (int i = 0; i < PairsPerInvoke; i++) { var (a, b) = Next(); NumKong.Angular((float*)a, (float*)b, (nuint)Dimensions, &r); s += r; }
        return s;
    }

    [Benchmark(OperationsPerInvoke = PairsPerInvoke), BenchmarkCategory("l2sq")]
    public float Simil_L2Squared()
    {
        float s = 0;
        for (int i = 0; i < PairsPerInvoke; i++) { var (a, b) = Next(); s += Similarity.L2Squared(Span(a), Span(b)); }
        return s;
    }

    [Benchmark(OperationsPerInvoke = PairsPerInvoke, Baseline = true), BenchmarkCategory("l2sq")]
    public float TensorPrimitives_L2Squared()
    {
        // TensorPrimitives has no squared distance; Distance is its square root, so square it back.
        float s = 0;
        for (int i = 0; i < PairsPerInvoke; i++) { var (a, b) = Next(); float d = TensorPrimitives.Distance(Span(a), Span(b)); s += d * d; }
        return s;
    }

    [Benchmark(OperationsPerInvoke = PairsPerInvoke), BenchmarkCategory("l2sq")]
    public double NumKong_L2Squared()
    {
        double s = 0, r;
        for (int i = 0; i < PairsPerInvoke; i++) { var (a, b) = Next(); NumKong.SqEuclidean((float*)a, (float*)b, (nuint)Dimensions, &r); s += r; }
        return s;
    }
}

/// <summary>3 warm-up and 20 measured iterations of about 200 ms each; the report uses medians.</summary>
public sealed class KernelConfig : ManualConfig
{
    public KernelConfig() =>
        AddJob(Job.Default
            .WithWarmupCount(3)
            .WithIterationCount(20)
            .WithIterationTime(Perfolizer.Horology.TimeInterval.FromMilliseconds(200)));
}
