namespace Simil.Embeddings.Tokenization;

/// <summary>
/// Unigram encoding as SentencePiece's <c>unigram_model.cc</c> (EncodeOptimized) runs it — and
/// Hugging Face's tokenizers, which ported that code with float64 scores (<see cref="FromVocabulary"/>): the
/// best path through the normalized text, each position's best kept on a strictly higher sum —
/// taken in float64 from float32 scores, stored as float32, exactly as that code's types make it
/// (the first-found path wins ties), a character no piece starts with scored as
/// unknown (the lowest score less 10), a run of unknowns one id, unused pieces never chosen.
/// Simil runs this itself for SentencePiece model files because the sums' rounding decides near
/// ties: Microsoft.ML.Tokenizers 3.0.0 (and Hugging Face's tokenizers) split "FFF" as F FF where
/// SentencePiece splits it FF F — 6 of the 12,013 fixture texts. A model's
/// <c>tokenizer.json</c> is Hugging Face's format, so that file goes through the library, which
/// agrees with Hugging Face there.
/// </summary>
sealed class SentencePieceUnigram
{
    const float UnknownPenalty = 10;

    readonly Dictionary<string, (int Id, double Score, bool UserDefined)> _pieces = new(StringComparer.Ordinal);
    readonly Dictionary<string, (int Id, double Score, bool UserDefined)>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    readonly HashSet<string> _prefixes = new(StringComparer.Ordinal);
    readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _prefixLookup;
    readonly int _unknown = -1;
    readonly double _unknownScore;
    readonly float _maxScore;
    readonly bool _float32;
    readonly int[]? _bytes;

    SentencePieceUnigram(IEnumerable<(string Text, double Score, bool UserDefined, int Id)> pieces, int unknown, double minScore, float maxScore, bool float32, int[]? bytes)
    {
        foreach (var (text, score, user, id) in pieces)
        {
            if (!_pieces.TryAdd(text, (id, score, user)))
                continue;
            for (int n = 1; n <= text.Length; n++)
                _prefixes.Add(text[..n]);
        }
        _unknown = unknown;
        _float32 = float32;
        _unknownScore = float32 ? (float)minScore - UnknownPenalty : minScore - UnknownPenalty;
        _maxScore = maxScore;
        _bytes = bytes;
        _lookup = _pieces.GetAlternateLookup<ReadOnlySpan<char>>();
        _prefixLookup = _prefixes.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>A SentencePiece model file's Unigram, with SentencePiece's float32 arithmetic.</summary>
    public static SentencePieceUnigram FromModelFile(SentencePieceModelFile model)
    {
        int unknown = -1;
        float min = float.MaxValue, max = float.MinValue;
        var pieces = new List<(string, double, bool, int)>();
        for (int id = 0; id < model.Pieces.Count; id++)
        {
            var (text, score, type) = model.Pieces[id];
            if (type is SentencePieceModelFile.PieceType.Normal or SentencePieceModelFile.PieceType.UserDefined)
            {
                pieces.Add((text, score, type == SentencePieceModelFile.PieceType.UserDefined, id));
                if (type == SentencePieceModelFile.PieceType.Normal)
                {
                    min = Math.Min(min, score);
                    max = Math.Max(max, score);
                }
            }
            else if (type == SentencePieceModelFile.PieceType.Unknown)
                unknown = id;
        }
        if (unknown < 0)
            throw new InvalidOperationException("the SentencePiece model has no unknown piece");
        return new SentencePieceUnigram(pieces, unknown, min, max, float32: true, bytes: null);
    }

    /// <summary>
    /// A tokenizer.json's Unigram (<c>model.vocab</c>, <c>unk_id</c>, <c>byte_fallback</c>), with
    /// Hugging Face's float64 arithmetic: every vocabulary entry a piece, the lowest score of all of
    /// them less 10 for an unknown character.
    /// </summary>
    public static SentencePieceUnigram FromVocabulary(IReadOnlyList<(string Piece, double Score)> vocab, int unknown, bool byteFallback)
    {
        int[]? bytes = null;
        if (byteFallback)
        {
            bytes = new int[256];
            Array.Fill(bytes, -1);
            for (int id = 0; id < vocab.Count; id++)
                if (vocab[id].Piece is { Length: 6 } p && p.StartsWith("<0x", StringComparison.Ordinal) && p[5] == '>'
                    && int.TryParse(p.AsSpan(3, 2), System.Globalization.NumberStyles.HexNumber, null, out int b))
                    bytes[b] = id;
        }
        double min = vocab.Count == 0 ? 0 : vocab.Min(v => v.Score);
        return new SentencePieceUnigram(vocab.Select((v, id) => (v.Piece, v.Score, false, id)), unknown, min, 0, float32: false, bytes);
    }

    struct Best
    {
        public int Id;
        public double Score;
        public int StartsAt;
    }

    /// <summary>The ids of an already normalized text (whitespace escaped as ▁), appended to <paramref name="ids"/>.</summary>
    public void Encode(ReadOnlySpan<char> text, List<long> ids)
    {
        int size = text.Length;
        var best = new Best[size + 1];
        for (int i = 0; i <= size; i++)
            best[i].StartsAt = -1;
        for (int start = 0; start < size;)
        {
            double here = best[start].Score;
            int charLength = char.IsHighSurrogate(text[start]) && start + 1 < size && char.IsLowSurrogate(text[start + 1]) ? 2 : 1;
            bool single = false;
            for (int end = start + 1; end <= size; end++)
            {
                var span = text[start..end];
                if (!_prefixLookup.Contains(span))
                    break;
                if (!_lookup.TryGetValue(span, out var piece))
                    continue;
                int length = end - start;
                // As unigram_model.cc types it: the user-defined branch makes the score a double, so the
                // sum is taken and compared in double against the stored float, then stored as float.
                double score = piece.UserDefined ? length * (double)_maxScore - 0.1 : piece.Score;
                double candidate = score + here;
                ref var target = ref best[end];
                if (target.StartsAt == -1 || candidate > target.Score)
                    target = new Best { Id = piece.Id, Score = _float32 ? (float)candidate : candidate, StartsAt = start };
                if (length == charLength)
                    single = true;
            }
            if (!single)
            {
                ref var target = ref best[start + charLength];
                double candidate = _float32 ? (float)((float)_unknownScore + (float)here) : _unknownScore + here;
                if (target.StartsAt == -1 || candidate > target.Score)
                    target = new Best { Id = _unknown, Score = candidate, StartsAt = start };
            }
            start += charLength;
        }
        var path = new List<(int Id, int Start, int End)>();
        for (int end = size; end > 0; end = best[end].StartsAt)
            path.Add((best[end].Id, best[end].StartsAt, end));
        path.Reverse();
        for (int i = 0; i < path.Count; i++)
        {
            var (id, start, end) = path[i];
            if (id == _unknown && _bytes is not null)
            {
                // Byte fallback: the unknown piece's UTF-8 bytes, each its <0xXX> piece when all exist.
                var utf8 = System.Text.Encoding.UTF8.GetBytes(text[start..end].ToArray());
                if (utf8.All(b => _bytes[b] >= 0))
                {
                    foreach (byte b in utf8)
                        ids.Add(_bytes[b]);
                    continue;
                }
            }
            if (id == _unknown && i > 0 && path[i - 1].Id == _unknown)
                continue;   // a run of unknowns is one unknown
            ids.Add(id);
        }
    }

    /// <summary>The ids of an already normalized text.</summary>
    public long[] Encode(string normalized)
    {
        var ids = new List<long>();
        Encode(normalized.AsSpan(), ids);
        return [.. ids];
    }
}
