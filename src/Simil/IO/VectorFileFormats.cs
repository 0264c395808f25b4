using System.Collections.Frozen;

namespace Simil.IO;

/// <summary>Names of the <see cref="VectorFileFormat"/>s as the command line spells them, and file extensions.</summary>
public static class VectorFileFormats
{
    static readonly (VectorFileFormat Format, string Name, string[] Aliases)[] s_table =
    [
        (VectorFileFormat.Npy, "npy", []),
        (VectorFileFormat.Text, "txt", ["text", "loadtxt"]),
        (VectorFileFormat.Csv, "csv", []),
        (VectorFileFormat.Tsv, "tsv", []),
        (VectorFileFormat.Word2VecText, "word2vec", ["w2v", "vec", "fasttext"]),
        (VectorFileFormat.Word2VecBinary, "word2vec-binary", ["w2v-bin", "bin"]),
        (VectorFileFormat.GloVe, "glove", []),
        (VectorFileFormat.Fvecs, "fvecs", []),
        (VectorFileFormat.JsonLines, "jsonl", ["json-lines", "ndjson"]),
        (VectorFileFormat.NpyBFloat16, "npy-bfloat16", ["bfloat16"]),
        (VectorFileFormat.PlainText, "lines", ["plain", "plain-text", "sentences"]),
    ];

    static readonly FrozenDictionary<string, VectorFileFormat> s_byName = s_table
        .SelectMany(e => e.Aliases.Prepend(e.Name).Select(n => KeyValuePair.Create(n, e.Format)))
        .ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    /// <summary>The canonical command-line name.</summary>
    public static string Name(this VectorFileFormat format) => s_table[(int)format].Name;

    /// <summary>True for formats that hold texts to embed rather than vectors.</summary>
    public static bool HoldsTexts(this VectorFileFormat format) => format == VectorFileFormat.PlainText;

    /// <summary>Every name, with aliases in parentheses, for help and error text.</summary>
    public static string ValidNames { get; } = string.Join(", ", s_table.Select(e =>
        e.Aliases.Length == 0 ? e.Name : $"{e.Name} ({string.Join(", ", e.Aliases)})"));

    /// <summary>Parses a format name or alias, ignoring case.</summary>
    /// <exception cref="InputException">The name is not a format; the message lists the valid ones.</exception>
    public static VectorFileFormat Parse(string name, string option)
    {
        ArgumentNullException.ThrowIfNull(name);
        return s_byName.TryGetValue(name.Trim(), out var format)
            ? format
            : throw new InputException(option, $"unknown format '{name}'; valid formats: {ValidNames}");
    }
}
