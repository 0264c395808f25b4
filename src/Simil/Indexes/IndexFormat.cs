namespace Simil.Indexes;

/// <summary>The constants of the index file format (<c>docs/index-format.md</c>).</summary>
static class IndexFormat
{
    /// <summary><c>\x89SIMIL\r\n</c>.</summary>
    public static ReadOnlySpan<byte> Magic => [0x89, (byte)'S', (byte)'I', (byte)'M', (byte)'I', (byte)'L', 0x0D, 0x0A];

    public const ushort Major = 1;
    public const ushort Minor = 3;
    public const int PreambleBytes = 32;
    public const int TableEntryBytes = 32;
    public const int MaxSections = 64;
    public const int MaxHeaderBytes = 1 << 20;

    /// <summary>Every section starts at a multiple of this (a page), so it can be mapped and used in place.</summary>
    public const int Alignment = 4096;

    public static long Align(long offset) => (offset + Alignment - 1) / Alignment * Alignment;

    /// <summary>A section id as its four ASCII letters read little-endian.</summary>
    public static uint Id(string letters) =>
        (uint)letters[0] | (uint)letters[1] << 8 | (uint)letters[2] << 16 | (uint)letters[3] << 24;

    public static string Name(uint id) => string.Create(4, id, (span, v) =>
    {
        for (int i = 0; i < 4; i++)
        {
            char c = (char)((v >> (8 * i)) & 0xFF);
            span[i] = c is >= ' ' and < (char)127 ? c : '?';
        }
    });

    public static readonly uint Vectors = Id("VECT");
    public static readonly uint Norms = Id("NORM");
    public static readonly uint Keys = Id("KEYS");
    public static readonly uint Texts = Id("TEXT");
    public static readonly uint Graph = Id("GRPH");
    public static readonly uint Ranges = Id("QRNG");
    public static readonly uint Rescore = Id("RSCR");
    public static readonly uint KeyHash = Id("KHSH");
    public static readonly uint Metadata = Id("META");
}
