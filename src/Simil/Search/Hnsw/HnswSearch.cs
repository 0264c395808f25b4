namespace Simil.Search.Hnsw;

/// <summary>A (distance, node) pair; ordered by distance, then node, so every run orders ties the same way.</summary>
readonly record struct Candidate(float Distance, int Node)
{
    public static bool Less(Candidate a, Candidate b) => a.Distance < b.Distance || (a.Distance == b.Distance && a.Node < b.Node);
}

/// <summary>A binary heap of candidates whose root is the closest (<c>max: false</c>) or the farthest (<c>max: true</c>).</summary>
sealed class CandidateHeap(bool max, int capacity = 64)
{
    Candidate[] _items = new Candidate[Math.Max(4, capacity)];

    public int Count { get; private set; }

    public Candidate Top => _items[0];

    public void Clear() => Count = 0;

    [ThreadStatic]
    static CandidateHeap? t_candidates, t_results;

    /// <summary>This thread's two heaps for one search (cleared): no allocation per query.</summary>
    public static (CandidateHeap Candidates, CandidateHeap Results) ForSearch()
    {
        var candidates = t_candidates ??= new CandidateHeap(max: false, 256);
        var results = t_results ??= new CandidateHeap(max: true, 256);
        candidates.Clear();
        results.Clear();
        return (candidates, results);
    }

    bool Above(Candidate a, Candidate b) => max ? Candidate.Less(b, a) : Candidate.Less(a, b);

    public void Push(Candidate c)
    {
        if (Count == _items.Length)
            Array.Resize(ref _items, _items.Length * 2);
        int i = Count++;
        while (i > 0)
        {
            int parent = (i - 1) >> 1;
            if (!Above(c, _items[parent]))
                break;
            _items[i] = _items[parent];
            i = parent;
        }
        _items[i] = c;
    }

    public Candidate Pop()
    {
        var top = _items[0];
        var last = _items[--Count];
        int i = 0;
        while (true)
        {
            int child = 2 * i + 1;
            if (child >= Count)
                break;
            if (child + 1 < Count && Above(_items[child + 1], _items[child]))
                child++;
            if (!Above(_items[child], last))
                break;
            _items[i] = _items[child];
            i = child;
        }
        if (Count > 0)
            _items[i] = last;
        return top;
    }

    /// <summary>The kept candidates, closest first when <paramref name="sorted"/>, else in heap order.</summary>
    public Candidate[] ToArray(bool sorted)
    {
        var result = _items.AsSpan(0, Count).ToArray();
        if (sorted)
            Array.Sort(result, default(Order));
        return result;
    }

    /// <summary>Distance, then node.</summary>
    public readonly struct Order : IComparer<Candidate>
    {
        public int Compare(Candidate a, Candidate b) => Candidate.Less(a, b) ? -1 : Candidate.Less(b, a) ? 1 : 0;
    }
}

/// <summary>Nodes seen by one search, cleared in O(1) by a generation mark; one per thread.</summary>
sealed class VisitedSet
{
    int[] _marks = [];
    int _generation;

    [ThreadStatic]
    static VisitedSet? t_instance;

    public static VisitedSet For(int count)
    {
        var set = t_instance ??= new VisitedSet();
        if (set._marks.Length < count)
        {
            set._marks = new int[Math.Max(count, set._marks.Length * 3 / 2)];
            set._generation = 0;
        }
        if (++set._generation == int.MaxValue)
        {
            Array.Clear(set._marks);
            set._generation = 1;
        }
        return set;
    }

    /// <summary>Marks <paramref name="node"/>; false when it was already marked in this search.</summary>
    public bool Visit(int node)
    {
        if (_marks[node] == _generation)
            return false;
        _marks[node] = _generation;
        return true;
    }
}

/// <summary>The two search steps of HNSW (Malkov and Yashunin, algorithms 2 and 5), for building and for queries.</summary>
static class HnswSearch
{
    /// <summary>What a search measures distances to: a query or a row being inserted.</summary>
    public interface ITarget
    {
        float To(int node);

        /// <summary>Asks the CPU to start loading a row that will be measured next.</summary>
        void Prefetch(int node);
    }

    public readonly struct QueryTarget<TSpace>(TSpace space, float[] query) : ITarget where TSpace : struct, IHnswSpace
    {
        public float To(int node) => space.ToQuery(query, node);

        public void Prefetch(int node) => space.Prefetch(node);
    }

    public readonly struct NodeTarget<TSpace>(TSpace space, int node) : ITarget where TSpace : struct, IHnswSpace
    {
        public float To(int other) => space.Between(node, other);

        public void Prefetch(int other) => space.Prefetch(other);
    }

    /// <summary>Greedy descent at one level from <paramref name="from"/>: the closest node reachable by always moving closer.</summary>
    public static Candidate Greedy<TTarget>(HnswGraph graph, TTarget target, Candidate from, int level) where TTarget : struct, ITarget
    {
        var best = from;
        bool moved = true;
        while (moved)
        {
            moved = false;
            foreach (int v in graph.Neighbors(best.Node, level))
            {
                if ((uint)v >= (uint)graph.Count)
                    throw new InvalidDataException($"node {best.Node} links to {v}, not a node (the file is damaged)");
                var c = new Candidate(target.To(v), v);
                if (Candidate.Less(c, best))
                {
                    best = c;
                    moved = true;
                }
            }
        }
        return best;
    }

    /// <summary>Every node may be a result.</summary>
    public readonly struct AllowAll : IAllowed
    {
        public bool Allows(int node) => true;
    }

    /// <summary>Which nodes may be results; the others are still stepped through.</summary>
    public interface IAllowed
    {
        bool Allows(int node);
    }

    /// <summary>The nodes an <see cref="IRowFilter"/> allows.</summary>
    public readonly struct AllowedBy(IRowFilter filter) : IAllowed
    {
        public bool Allows(int node) => filter.Allows(node);
    }

    /// <summary>
    /// The <paramref name="ef"/> closest nodes found at <paramref name="level"/> from the entry
    /// points, closest first (best-first search with a bounded result list).
    /// </summary>
    public static Candidate[] Layer<TTarget>(HnswGraph graph, TTarget target, ReadOnlySpan<Candidate> entries, int ef, int level, int count,
        bool sorted = true)
        where TTarget : struct, ITarget =>
        Layer(graph, target, entries, ef, level, count, default(AllowAll), sorted);

    /// <summary>
    /// As the unfiltered layer search, keeping only nodes that <paramref name="allowed"/> allows in
    /// the result list: a node it refuses is still expanded (the walk goes through it), and the
    /// walk stops only once <paramref name="ef"/> allowed nodes are held and the next candidate is
    /// farther than all of them, or when the candidates run out — so refused nodes never use up ef.
    /// </summary>
    public static Candidate[] Layer<TTarget, TAllowed>(HnswGraph graph, TTarget target, ReadOnlySpan<Candidate> entries, int ef, int level, int count,
        TAllowed allowed, bool sorted = true)
        where TTarget : struct, ITarget
        where TAllowed : struct, IAllowed
    {
        var visited = VisitedSet.For(count);
        var (candidates, results) = CandidateHeap.ForSearch();
        foreach (var e in entries)
        {
            if (!visited.Visit(e.Node))
                continue;
            candidates.Push(e);
            if (!allowed.Allows(e.Node))
                continue;
            results.Push(e);
            if (results.Count > ef)
                results.Pop();
        }
        Span<int> fresh = stackalloc int[graph.M0];
        while (candidates.Count > 0)
        {
            var c = candidates.Pop();
            // Stop when the closest unexpanded candidate is farther than the farthest kept. On a
            // plateau of equal distances (duplicates) keep expanding: a lower row may lie beyond.
            if (results.Count == ef && c.Distance > results.Top.Distance)
                break;
            // The unvisited neighbours first, so that each row's load can start while the one
            // before it is measured (the rows are far apart in memory: this is where time goes).
            int n = 0;
            foreach (int v in graph.Neighbors(c.Node, level))
            {
                if ((uint)v >= (uint)count)
                    throw new InvalidDataException($"node {c.Node} links to {v}, not a node (the file is damaged)");
                if (visited.Visit(v))
                    fresh[n++] = v;
            }
            if (n > 0)
                target.Prefetch(fresh[0]);
            for (int j = 0; j < n; j++)
            {
                if (j + 1 < n)
                    target.Prefetch(fresh[j + 1]);
                int v = fresh[j];
                var next = new Candidate(target.To(v), v);
                if (results.Count < ef || Candidate.Less(next, results.Top))
                {
                    candidates.Push(next);
                    if (!allowed.Allows(v))
                        continue;
                    results.Push(next);
                    if (results.Count > ef)
                        results.Pop();
                }
            }
        }
        return results.ToArray(sorted);
    }
}
