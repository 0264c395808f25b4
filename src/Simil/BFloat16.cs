using System.Runtime.InteropServices;

namespace Simil;

/// <summary>
/// bfloat16: the top 16 bits of an IEEE float32 (sign, the same 8 exponent bits, 7 mantissa bits),
/// as stored by PyTorch's <c>torch.bfloat16</c> and by models that ship bfloat16 weights. .NET 10 has
/// no such type; this one only stores, converts and compares. Widening to float32 is exact (the bits
/// shifted up 16); narrowing rounds to nearest, ties to even, as PyTorch does, and keeps a NaN a NaN.
/// </summary>
[StructLayout(LayoutKind.Sequential, Size = 2)]
public readonly struct BFloat16 : IEquatable<BFloat16>
{
    readonly ushort _bits;

    BFloat16(ushort bits) => _bits = bits;

    /// <summary>The value with these 16 bits.</summary>
    public static BFloat16 FromBits(ushort bits) => new(bits);

    /// <summary>The value's 16 bits.</summary>
    public ushort Bits => _bits;

    /// <summary>The float32 with the same value (exact).</summary>
    public static explicit operator float(BFloat16 value) => BitConverter.UInt32BitsToSingle((uint)value._bits << 16);

    /// <summary>The nearest bfloat16 (ties to even); a NaN becomes a quiet NaN of the same sign; values past the largest finite one become ∞.</summary>
    public static explicit operator BFloat16(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value))
            return new((ushort)((bits >> 16) | 0x0040));
        uint rounded = bits + 0x7FFF + ((bits >> 16) & 1);
        return new((ushort)(rounded >> 16));
    }

    /// <inheritdoc/>
    public bool Equals(BFloat16 other) => ((float)this).Equals((float)other);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is BFloat16 other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => ((float)this).GetHashCode();

    /// <summary>The value as float32 prints it.</summary>
    public override string ToString() => ((float)this).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Equal values (NaN equals NaN, as <see cref="float.Equals(float)"/> has it).</summary>
    public static bool operator ==(BFloat16 left, BFloat16 right) => left.Equals(right);

    /// <summary>Different values.</summary>
    public static bool operator !=(BFloat16 left, BFloat16 right) => !left.Equals(right);
}
