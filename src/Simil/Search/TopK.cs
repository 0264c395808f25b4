namespace Simil.Search;

/// <summary>
/// The best k (score, index) pairs seen so far, in a binary heap whose root is the worst kept.
/// One comparator: scores are kept as <em>keys</em>, the score times a sign (−1 where higher is
/// closer; negation is exact and undone on the way out), and a lower key is better. Equal keys
/// prefer the lower index; NaN is worse than every number and NaNs tie, so the result is the true
/// top-k of a full sort.
/// </summary>
sealed class TopK
{
    readonly float[] _keys;
    readonly int[] _indices;
    readonly float _sign;
    int _count;

    public TopK(int k, bool higherIsBetter)
    {
        _keys = new float[k];
        _indices = new int[k];
        _sign = higherIsBetter ? -1f : 1f;
    }

    public int Count => _count;

    /// <summary>Whether k candidates are kept (a new one must then beat the worst).</summary>
    public bool Full => _count == _keys.Length;

    /// <summary>True when key (a, ia) ranks before key (b, ib): lower first, NaN last, then lower index.</summary>
    static bool Before(float a, int ia, float b, int ib)
    {
        // NaN (from overflowing inputs: ∞ − ∞, ∞ / ∞) is worse than every number; NaNs tie, so the
        // lower index wins among them too, as a full sort would order them.
        bool nanA = float.IsNaN(a), nanB = float.IsNaN(b);
        if (nanA || nanB)
            return nanA == nanB ? ia < ib : nanB;
        if (a != b) return a < b;
        return ia < ib;
    }

    /// <summary>The worst score kept (the k-th best once full).</summary>
    public float WorstScore => _count == 0 ? float.NaN : _sign * _keys[0];

    /// <summary>True when <paramref name="score"/> is better than the worst kept, or within <paramref name="margin"/> of it.</summary>
    public bool WithinMargin(float score, double margin)
    {
        if (_count == 0 || float.IsNaN(score))
            return _count == 0;
        return (double)(_sign * score) <= _keys[0] + margin;
    }

    /// <summary>Offers a candidate; kept if the heap is not full or it beats the worst kept.</summary>
    public void Add(float score, int index)
    {
        int k = _keys.Length;
        if (k == 0)
            return;
        float key = _sign * score;
        if (_count < k)
        {
            int i = _count++;
            _keys[i] = key;
            _indices[i] = index;
            SiftUp(i);
        }
        else if (Before(key, index, _keys[0], _indices[0]))
        {
            _keys[0] = key;
            _indices[0] = index;
            SiftDown(0);
        }
    }

    /// <summary>Adds everything another heap kept.</summary>
    public void Merge(TopK other)
    {
        for (int i = 0; i < other._count; i++)
            Add(other._sign * other._keys[i], other._indices[i]);
    }

    /// <summary>The kept pairs, best first.</summary>
    /// <remarks>
    /// Sorted as one 64-bit key per pair, with no comparer: the key mapped to an unsigned rank
    /// (lowest first, NaN last, −0 as +0) above the index, so equal scores keep row order.
    /// </remarks>
    public Neighbor[] ToSortedArray()
    {
        var ranks = new ulong[_count];
        var slots = new int[_count];
        for (int i = 0; i < _count; i++)
        {
            ranks[i] = (ulong)Rank(_keys[i]) << 32 | (uint)_indices[i];
            slots[i] = i;
        }
        Array.Sort(ranks, slots);
        var result = new Neighbor[_count];
        for (int i = 0; i < _count; i++)
            result[i] = new Neighbor(_indices[slots[i]], _sign * _keys[slots[i]]);
        return result;
    }

    /// <summary>A key as an unsigned integer in the same order (lower is better); every NaN ranks last.</summary>
    static uint Rank(float key)
    {
        if (float.IsNaN(key))
            return uint.MaxValue;
        uint bits = key == 0 ? 0 : BitConverter.SingleToUInt32Bits(key);
        // Floats as unsigned integers in ascending order: negatives inverted, positives above them.
        // The largest, +∞, ranks 0xFF80_0000, below NaN's rank.
        return (bits & 0x8000_0000) != 0 ? ~bits : bits | 0x8000_0000;
    }

    // The root holds the worst: a parent never ranks before its children.
    void SiftUp(int i)
    {
        while (i > 0)
        {
            int parent = (i - 1) / 2;
            if (!Before(_keys[parent], _indices[parent], _keys[i], _indices[i]))
                break;
            Swap(i, parent);
            i = parent;
        }
    }

    void SiftDown(int i)
    {
        while (true)
        {
            int left = 2 * i + 1, right = left + 1, worst = i;
            if (left < _count && Before(_keys[worst], _indices[worst], _keys[left], _indices[left]))
                worst = left;
            if (right < _count && Before(_keys[worst], _indices[worst], _keys[right], _indices[right]))
                worst = right;
            if (worst == i)
                return;
            Swap(i, worst);
            i = worst;
        }
    }

    void Swap(int a, int b)
    {
        (_keys[a], _keys[b]) = (_keys[b], _keys[a]);
        (_indices[a], _indices[b]) = (_indices[b], _indices[a]);
    }
}
