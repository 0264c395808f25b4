namespace Simil.Quantization;

/// <summary>How each element of a vector is stored.</summary>
public enum Precision
{
    /// <summary>IEEE float32, as computed.</summary>
    Float32,

    /// <summary>IEEE float16 (2 bytes).</summary>
    Float16,

    /// <summary>bfloat16: float32's top 16 bits (2 bytes).</summary>
    BFloat16,

    /// <summary>One signed byte per dimension from per-dimension ranges.</summary>
    Int8,

    /// <summary>One unsigned byte per dimension from per-dimension ranges.</summary>
    UInt8,

    /// <summary>Sign bits packed 8 to a byte, each byte minus 128 as int8.</summary>
    Binary,

    /// <summary>Sign bits packed 8 to a byte.</summary>
    UBinary,
}

/// <summary>Names of <see cref="Precision"/>s as the command line and sentence-transformers spell them.</summary>
public static class Precisions
{
    static readonly (Precision Precision, string Name)[] s_names =
    [
        (Precision.Float32, "float32"), (Precision.Float16, "float16"), (Precision.BFloat16, "bfloat16"),
        (Precision.Int8, "int8"), (Precision.UInt8, "uint8"), (Precision.Binary, "binary"), (Precision.UBinary, "ubinary"),
    ];

    /// <summary>Every name, comma-separated, for error and help text.</summary>
    public static string ValidNames { get; } = string.Join(", ", s_names.Select(e => e.Name));

    /// <summary>The name of <paramref name="precision"/>.</summary>
    public static string Name(this Precision precision) => s_names.First(e => e.Precision == precision).Name;

    /// <summary>Parses a name, ignoring case; false when it is not a precision.</summary>
    public static bool TryParse(string? name, out Precision precision)
    {
        foreach (var (p, n) in s_names)
            if (string.Equals(n, name?.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                precision = p;
                return true;
            }
        precision = default;
        return false;
    }
}
