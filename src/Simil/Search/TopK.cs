namespace Simil.Search;

/// <summary>
/// The best k (score, index) pairs seen so far, in a binary heap whose root is the worst kept.
/// "Better" follows the metric's orientation; equal scores prefer the lower index, and NaN is
/// worse than everything, so the result is the true top-k of a full sort.
/// </summary>
sealed class TopK
{
    readonly float[] _scores;
    readonly int[] _indices;
    readonly bool _higherIsBetter;
    int _count;

    public TopK(int k, bool higherIsBetter)
    {
        _scores = new float[k];
        _indices = new int[k];
        _higherIsBetter = higherIsBetter;
    }

    public int Count => _count;

    /// <summary>True when (a, ia) ranks before (b, ib).</summary>
    public bool Better(float a, int ia, float b, int ib)
    {
        // NaN (from overflowing inputs: ∞ − ∞, ∞ / ∞) is worse than every number; NaNs tie, so the
        // lower index wins among them too, as a full sort would order them.
        bool nanA = float.IsNaN(a), nanB = float.IsNaN(b);
        if (nanA || nanB)
            return nanA == nanB ? ia < ib : nanB;
        if (a != b) return _higherIsBetter ? a > b : a < b;
        return ia < ib;
    }

    /// <summary>The worst score kept (the k-th best once full).</summary>
    public float WorstScore => _count == 0 ? float.NaN : _scores[0];

    /// <summary>True when <paramref name="score"/> is better than the worst kept, or within <paramref name="margin"/> of it.</summary>
    public bool WithinMargin(float score, double margin)
    {
        if (_count == 0 || float.IsNaN(score))
            return _count == 0;
        double worst = _scores[0];
        return _higherIsBetter ? score >= worst - margin : score <= worst + margin;
    }

    /// <summary>Offers a candidate; kept if the heap is not full or it beats the worst kept.</summary>
    public void Add(float score, int index)
    {
        int k = _scores.Length;
        if (k == 0)
            return;
        if (_count < k)
        {
            int i = _count++;
            _scores[i] = score;
            _indices[i] = index;
            SiftUp(i);
        }
        else if (Better(score, index, _scores[0], _indices[0]))
        {
            _scores[0] = score;
            _indices[0] = index;
            SiftDown(0);
        }
    }

    /// <summary>Adds everything another heap kept.</summary>
    public void Merge(TopK other)
    {
        for (int i = 0; i < other._count; i++)
            Add(other._scores[i], other._indices[i]);
    }

    /// <summary>The kept pairs, best first.</summary>
    /// <remarks>
    /// Sorted as one 64-bit key per pair, with no comparer: the score mapped to an unsigned rank
    /// (best lowest, NaN highest, −0 as +0) above the index, so equal scores keep row order.
    /// </remarks>
    public Neighbor[] ToSortedArray()
    {
        var keys = new ulong[_count];
        var slots = new int[_count];
        for (int i = 0; i < _count; i++)
        {
            keys[i] = (ulong)Rank(_scores[i]) << 32 | (uint)_indices[i];
            slots[i] = i;
        }
        Array.Sort(keys, slots);
        var result = new Neighbor[_count];
        for (int i = 0; i < _count; i++)
            result[i] = new Neighbor(_indices[slots[i]], _scores[slots[i]]);
        return result;
    }

    /// <summary>An unsigned rank in the order of <see cref="Better"/> (lower is better); every NaN ranks last.</summary>
    uint Rank(float score)
    {
        if (float.IsNaN(score))
            return uint.MaxValue;
        uint bits = score == 0 ? 0 : BitConverter.SingleToUInt32Bits(score);
        // Floats as unsigned integers in ascending order: negatives inverted, positives above them.
        uint ascending = (bits & 0x8000_0000) != 0 ? ~bits : bits | 0x8000_0000;
        // The largest number, +∞, ranks 0xFF80_0000 at most, below NaN's rank.
        return _higherIsBetter ? ~ascending : ascending;
    }

    // The root holds the worst: a parent is never better than its children.
    void SiftUp(int i)
    {
        while (i > 0)
        {
            int parent = (i - 1) / 2;
            if (!Better(_scores[parent], _indices[parent], _scores[i], _indices[i]))
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
            if (left < _count && Better(_scores[worst], _indices[worst], _scores[left], _indices[left]))
                worst = left;
            if (right < _count && Better(_scores[worst], _indices[worst], _scores[right], _indices[right]))
                worst = right;
            if (worst == i)
                return;
            Swap(i, worst);
            i = worst;
        }
    }

    void Swap(int a, int b)
    {
        (_scores[a], _scores[b]) = (_scores[b], _scores[a]);
        (_indices[a], _indices[b]) = (_indices[b], _indices[a]);
    }
}
