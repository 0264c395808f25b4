using System.Numerics;
using System.Runtime.InteropServices;

namespace Simil.Kernels.Bits;

/// <summary>
/// The number of bits that differ between two packed bit vectors: XOR then population count,
/// eight bytes at a time (the POPCNT instruction where the CPU has it), then the last bytes.
/// </summary>
static class HammingKernel
{
    public static long Distance(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        var wa = MemoryMarshal.Cast<byte, ulong>(a);
        var wb = MemoryMarshal.Cast<byte, ulong>(b);
        long total = 0;
        for (int i = 0; i < wa.Length; i++)
            total += BitOperations.PopCount(wa[i] ^ wb[i]);
        for (int i = wa.Length * 8; i < a.Length; i++)
            total += BitOperations.PopCount((uint)(a[i] ^ b[i]));
        return total;
    }
}
