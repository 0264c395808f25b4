using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Simil.Search.Hnsw;

/// <summary>
/// The links of an HNSW graph, laid out as the index file's <c>GRPH</c> section is
/// (<c>docs/index-format.md</c>): a level per node, level-0 lists of (degree, M0 slots), and for
/// nodes above level 0 one (degree, M slots) list per upper level. Either built here (arrays) or
/// read in place from a mapped file (pointers); search reads both the same way, and checks every
/// neighbour against <see cref="Count"/>, so a damaged file cannot make it read out of bounds.
/// </summary>
sealed unsafe class HnswGraph
{
    readonly int[]? _level0Array;
    readonly int[]? _levelsArray;
    readonly int[]?[]? _upperArrays;
    readonly int* _level0;
    readonly int* _levels;
    readonly int* _upperStart;
    readonly int* _upper;
    readonly long _upperLength;

    public int M { get; }
    public int M0 { get; }
    public int Count { get; }
    public int Entry { get; set; }
    public int TopLevel { get; set; }

    /// <summary>A new graph of <paramref name="count"/> nodes with the given levels and no links.</summary>
    public HnswGraph(int m, int count, int[] levels)
    {
        M = m;
        M0 = 2 * m;
        Count = count;
        _levelsArray = levels;
        _level0Array = GC.AllocateArray<int>(checked(count * (M0 + 1)), pinned: true);
        _level0 = (int*)Marshal.UnsafeAddrOfPinnedArrayElement(_level0Array, 0);
        _upperArrays = new int[]?[count];
        for (int i = 0; i < count; i++)
            if (levels[i] > 0)
                _upperArrays[i] = new int[levels[i] * (m + 1)];
        Entry = -1;
        TopLevel = -1;
    }

    HnswGraph(int m, int m0, int count, int* levels, int* upperStart, int* level0, int* upper, long upperLength, int entry, int top)
    {
        M = m;
        M0 = m0;
        Count = count;
        _levels = levels;
        _upperStart = upperStart;
        _level0 = level0;
        _upper = upper;
        _upperLength = upperLength;
        Entry = entry;
        TopLevel = top;
    }

    public bool IsMapped => _level0Array is null;

    public int Level(int node) => _levelsArray is not null ? _levelsArray[node] : _levels[node];

    /// <summary>The list of <paramref name="node"/> at <paramref name="level"/>: [0] is the degree, then the slots.</summary>
    public Span<int> List(int node, int level)
    {
        if (level == 0)
            return new Span<int>(_level0 + (long)node * (M0 + 1), M0 + 1);
        if (_upperArrays is not null)
            return _upperArrays[node].AsSpan((level - 1) * (M + 1), M + 1);
        long start = (uint)_upperStart[node] + (long)(level - 1) * (M + 1);
        if ((uint)_upperStart[node] == uint.MaxValue || start + M + 1 > _upperLength)
            throw new InvalidDataException($"node {node} has no level-{level} list in the graph (the file is damaged)");
        return new Span<int>(_upper + start, M + 1);
    }

    /// <summary>The neighbours of <paramref name="node"/> at <paramref name="level"/>.</summary>
    public ReadOnlySpan<int> Neighbors(int node, int level)
    {
        var list = List(node, level);
        int degree = list[0];
        if ((uint)degree > (uint)(list.Length - 1))
            throw new InvalidDataException($"node {node} has degree {degree} at level {level}, more than its {list.Length - 1} slots (the file is damaged)");
        return list.Slice(1, degree);
    }

    /// <summary>The smallest GRPH section for <paramref name="count"/> nodes (levels, starts, level-0 lists).</summary>
    public static long MinimumBytes(int count, int m0) => (long)count * 4 * (2 + m0 + 1);

    long UpperInts()
    {
        long total = 0;
        for (int i = 0; i < Count; i++)
            total += (long)Level(i) * (M + 1);
        return total;
    }

    public long SectionBytes => MinimumBytes(Count, M0) + UpperInts() * 4;

    /// <summary>Writes the GRPH section.</summary>
    public void Write(Stream stream)
    {
        var buffer = new byte[1 << 16];
        int used = 0;
        void Put(int value)
        {
            if (used == buffer.Length)
            {
                stream.Write(buffer, 0, used);
                used = 0;
            }
            BinaryPrimitives.WriteInt32LittleEndian(buffer.AsSpan(used), value);
            used += 4;
        }
        for (int i = 0; i < Count; i++)
            Put(Level(i));
        long start = 0;
        for (int i = 0; i < Count; i++)
        {
            int level = Level(i);
            Put(level == 0 ? -1 : checked((int)start));
            start += (long)level * (M + 1);
        }
        for (int i = 0; i < Count; i++)
            foreach (int v in List(i, 0))
                Put(v);
        for (int i = 0; i < Count; i++)
            for (int level = 1; level <= Level(i); level++)
                foreach (int v in List(i, level))
                    Put(v);
        stream.Write(buffer, 0, used);
    }

    /// <summary>The graph read in place from a GRPH section (the caller keeps the map alive).</summary>
    public static HnswGraph Map(nint section, long length, int count, Indexes.HnswSettings settings)
    {
        int* p = (int*)section;
        long fixedInts = (long)count * (2 + settings.M0 + 1);
        return new HnswGraph(settings.M, settings.M0, count, p, p + count, p + 2L * count, p + fixedInts,
            length / 4 - fixedInts, settings.Entry, settings.TopLevel);
    }

    /// <summary>A copy in arrays with room for more nodes (to extend it): <paramref name="levels"/> holds every node's level, the existing ones first.</summary>
    public HnswGraph Grow(int[] levels)
    {
        var grown = new HnswGraph(M, levels.Length, levels) { Entry = Entry, TopLevel = TopLevel };
        for (int i = 0; i < Count; i++)
            for (int level = 0; level <= Level(i); level++)
                List(i, level).CopyTo(grown.List(i, level));
        return grown;
    }

    /// <summary>Checks every list: levels within bounds, degrees within slots, neighbours below the count and present at that level.</summary>
    public void Check(string file)
    {
        if (Count == 0)
            return;
        if ((uint)Entry >= (uint)Count || Level(Entry) != TopLevel)
            throw IO.FileError.Section(file, "GRPH", $"the entry node {Entry} is not a node of the top level {TopLevel}");
        long expected = 0;
        for (int i = 0; i < Count; i++)
        {
            int level = Level(i);
            if (level < 0 || level > TopLevel)
                throw IO.FileError.Section(file, "GRPH", $"node {i} has level {level}, outside 0..{TopLevel}");
            if (IsMapped && level > 0 && _upperStart[i] != expected)
                throw IO.FileError.Section(file, "GRPH", $"node {i}'s upper lists start at {(uint)_upperStart[i]}, not {expected}");
            if (IsMapped && level == 0 && _upperStart[i] != -1)
                throw IO.FileError.Section(file, "GRPH", $"node {i} of level 0 has upper lists");
            expected += (long)level * (M + 1);
            for (int l = 0; l <= level; l++)
            {
                var list = List(i, l);
                if ((uint)list[0] > (uint)(list.Length - 1))
                    throw IO.FileError.Section(file, "GRPH", $"node {i} has degree {list[0]} at level {l}, more than {list.Length - 1}");
                foreach (int v in list.Slice(1, list[0]))
                    if ((uint)v >= (uint)Count || Level(v) < l || v == i)
                        throw IO.FileError.Section(file, "GRPH", $"node {i} links to {v} at level {l}, which is not a node of that level");
            }
        }
        if (IsMapped && expected != _upperLength)
            throw IO.FileError.Section(file, "GRPH", $"the upper lists take {_upperLength} words, not {expected}");
    }
}
