using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Simil.Storage;

namespace Simil.IO;

/// <summary>
/// Finds the first NaN or infinity in freshly read data and reports its row and column: a score
/// computed from a non-finite value means nothing, so readers refuse it.
/// </summary>
static class FiniteCheck
{
    /// <summary>
    /// Throws for the first non-finite value; <paramref name="firstIndex"/> is the flat index of
    /// values[0]. One check for every IEEE element type: a value is non-finite when all its
    /// exponent bits are set.
    /// </summary>
    public static void Rows<T>(ReadOnlySpan<T> values, int dimensions, string file, long firstIndex = 0)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int bad = Unsafe.SizeOf<T>() switch
        {
            2 => FirstNonFinite(MemoryMarshal.Cast<T, ushort>(values), (ushort)0x7C00),
            4 => FirstNonFinite(MemoryMarshal.Cast<T, uint>(values), 0x7F80_0000u),
            8 => FirstNonFinite(MemoryMarshal.Cast<T, ulong>(values), 0x7FF0_0000_0000_0000ul),
            _ => throw new NotSupportedException($"{typeof(T).Name} is not an IEEE binary16, binary32 or binary64 type"),
        };
        if (bad >= 0)
            Report(file, firstIndex + bad, dimensions, double.CreateSaturating(values[bad]));
    }

    /// <summary>
    /// Throws for the first non-finite value of the first <paramref name="count"/> values of a
    /// sink's room, checked a block at a time (the room may hold more than one span).
    /// </summary>
    public static void Rows<T>(SinkRoom<T> room, long count, int dimensions, string file)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        for (long at = 0; at < count; at += Block)
            Rows<T>(room.Slice(at, (int)Math.Min(Block, count - at)), dimensions, file, firstIndex: at);
    }

    /// <summary>The flat index of the first NaN or infinity in the first <paramref name="count"/> values of a room, or -1.</summary>
    public static long FirstNonFinite(SinkRoom<float> room, long count)
    {
        for (long at = 0; at < count; at += Block)
        {
            int bad = FirstNonFinite(room.Slice(at, (int)Math.Min(Block, count - at)));
            if (bad >= 0)
                return at + bad;
        }
        return -1;
    }

    const int Block = 1 << 20;

    /// <summary>The index of the first NaN or infinity, or -1.</summary>
    public static int FirstNonFinite(ReadOnlySpan<float> values) => FirstNonFinite(MemoryMarshal.Cast<float, uint>(values), 0x7F80_0000u);

    /// <summary>A value is non-finite when all its exponent bits are set.</summary>
    static int FirstNonFinite<T>(ReadOnlySpan<T> bits, T exponent) where T : unmanaged, IBinaryInteger<T>
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated && bits.Length >= Vector256<T>.Count)
        {
            var mask = Vector256.Create(exponent);
            ref T start = ref MemoryMarshal.GetReference(bits);
            for (; i + Vector256<T>.Count <= bits.Length; i += Vector256<T>.Count)
            {
                var v = Vector256.LoadUnsafe(ref start, (nuint)i) & mask;
                if (Vector256.EqualsAny(v, mask))
                    break;
            }
        }
        for (; i < bits.Length; i++)
            if ((bits[i] & exponent) == exponent)
                return i;
        return -1;
    }

    static void Report(string file, long index, int dimensions, double value) =>
        throw FileError.At(file, $"row {index / dimensions + 1}, column {index % dimensions + 1}",
            $"{(double.IsNaN(value) ? "NaN" : value > 0 ? "+infinity" : "-infinity")} is not a valid vector value; every value must be finite");
}
