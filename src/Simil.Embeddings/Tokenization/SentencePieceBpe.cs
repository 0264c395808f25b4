namespace Simil.Embeddings.Tokenization;

/// <summary>
/// SentencePiece's BPE encoding, as its <c>bpe_model.cc</c> runs it: the normalized text split into
/// characters, then the adjacent pair whose joined piece has the highest score merged first —
/// <b>the leftmost pair among equal scores</b> — until no pair joins into a piece; unused pieces
/// split back into the pieces they were merged from; a symbol outside the pieces becomes its
/// UTF-8 bytes' pieces (byte fallback) or the unknown id (a run of them one id). Simil runs this loop itself because
/// Microsoft.ML.Tokenizers 3.0.0 breaks ties rightmost-first (on the Portuguese fixture corpus,
/// 136 of 12,013 texts got other ids than python3-sentencepiece, e.g. "2000" as ▁2 0 00 against
/// ▁2 00 0); the normalizer (character map, whitespace, dummy prefix) is still the library's.
/// </summary>
sealed class SentencePieceBpe
{
    readonly Dictionary<string, (int Id, float Score, SentencePieceModelFile.PieceType Type)> _pieces = new(StringComparer.Ordinal);
    readonly Dictionary<string, (string Left, string Right)> _merged = new(StringComparer.Ordinal);
    readonly int[] _bytes = new int[256];
    readonly int _unknown;
    readonly bool _byteFallback;

    public SentencePieceBpe(SentencePieceModelFile model)
    {
        _unknown = -1;
        _byteFallback = model.ByteFallback;
        Array.Fill(_bytes, -1);
        for (int id = 0; id < model.Pieces.Count; id++)
        {
            var (text, score, type) = model.Pieces[id];
            switch (type)
            {
                case SentencePieceModelFile.PieceType.Normal or SentencePieceModelFile.PieceType.UserDefined or SentencePieceModelFile.PieceType.Unused:
                    _pieces.TryAdd(text, (id, score, type));
                    break;
                case SentencePieceModelFile.PieceType.Unknown:
                    _unknown = id;
                    break;
                case SentencePieceModelFile.PieceType.Byte when text.Length == 6 && text.StartsWith("<0x", StringComparison.Ordinal):
                    _bytes[Convert.ToInt32(text[3..5], 16)] = id;
                    break;
            }
        }
        if (_unknown < 0)
            throw new InvalidOperationException("the SentencePiece model has no unknown piece");
    }

    struct Symbol
    {
        public int Prev, Next;
        public string Piece;
    }

    /// <summary>The ids of an already normalized text (whitespace escaped as ▁).</summary>
    public long[] Encode(string normalized)
    {
        var symbols = new List<Symbol>(normalized.Length);
        for (int i = 0; i < normalized.Length;)
        {
            int n = char.IsHighSurrogate(normalized[i]) && i + 1 < normalized.Length && char.IsLowSurrogate(normalized[i + 1]) ? 2 : 1;
            symbols.Add(new Symbol { Prev = symbols.Count - 1, Next = i + n < normalized.Length ? symbols.Count + 1 : -1, Piece = normalized.Substring(i, n) });
            i += n;
        }
        var syms = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(symbols).ToArray();
        // Highest score first; among equal scores, the leftmost pair.
        var agenda = new PriorityQueue<(int Left, int Right, int Size), (float Score, int Left)>(
            Comparer<(float Score, int Left)>.Create((a, b) => a.Score != b.Score ? b.Score.CompareTo(a.Score) : a.Left.CompareTo(b.Left)));
        void Consider(int left, int right)
        {
            if (left < 0 || right < 0)
                return;
            string joined = syms[left].Piece + syms[right].Piece;
            if (!_pieces.TryGetValue(joined, out var piece))
                return;
            agenda.Enqueue((left, right, joined.Length), (piece.Score, left));
            _merged.TryAdd(joined, (syms[left].Piece, syms[right].Piece));
        }
        for (int i = 1; i < syms.Length; i++)
            Consider(i - 1, i);
        while (agenda.TryDequeue(out var top, out _))
        {
            ref var left = ref syms[top.Left];
            ref var right = ref syms[top.Right];
            if (left.Piece.Length == 0 || right.Piece.Length == 0 || left.Piece.Length + right.Piece.Length != top.Size)
                continue;   // stale: one side has merged since
            left.Piece += right.Piece;
            left.Next = right.Next;
            if (right.Next >= 0)
                syms[right.Next].Prev = top.Left;
            right.Piece = "";
            Consider(left.Prev, top.Left);
            Consider(top.Left, left.Next);
        }
        var ids = new List<long>(syms.Length);
        for (int i = 0; i >= 0 && syms.Length > 0; i = syms[i].Next)
            Emit(syms[i].Piece, ids);
        return [.. ids];
    }

    void Emit(string piece, List<long> ids)
    {
        if (_pieces.TryGetValue(piece, out var p))
        {
            if (p.Type == SentencePieceModelFile.PieceType.Unused && _merged.TryGetValue(piece, out var parts))
            {
                Emit(parts.Left, ids);
                Emit(parts.Right, ids);
            }
            else
                ids.Add(p.Id);
            return;
        }
        if (_byteFallback)
        {
            foreach (byte b in System.Text.Encoding.UTF8.GetBytes(piece))
                ids.Add(_bytes[b] >= 0 ? _bytes[b] : _unknown);
            return;
        }
        if (ids.Count == 0 || ids[^1] != _unknown)   // a run of unknowns is one unknown, as SentencePiece gives it
            ids.Add(_unknown);
    }
}
