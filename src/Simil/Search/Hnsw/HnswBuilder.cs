namespace Simil.Search.Hnsw;

/// <summary>
/// Inserts nodes into an HNSW graph (Malkov and Yashunin, algorithms 1 and 4), in batches that
/// use every core and give the same graph on every run:
/// <list type="number">
/// <item>each node of a batch searches the graph as it stood before the batch (read-only, in
/// parallel) and picks its neighbours at each of its levels with the diversity heuristic;</item>
/// <item>the back links are grouped by the node that receives them and applied in parallel, one
/// group per node, new links in row order; a list that overflows is pruned by the same
/// heuristic.</item>
/// </list>
/// Rows are inserted in an order shuffled by a hash of the seed and the row, not in row order:
/// files are often sorted (similar rows next to each other), and rows of one batch cannot link to
/// each other, so batches of neighbours would lose exactly the links that matter. A batch is at
/// most 1/64 of the nodes already in the graph (and at most 512), so a node misses few neighbours
/// by not seeing its own batch. The levels and the order come from hashes of the seed and the row,
/// so neither thread timing nor the batch sizes change the result.
/// </summary>
static class HnswBuilder
{
    /// <summary>The level of <paramref name="node"/>: ⌊−ln(U)·mL⌋ with U uniform in (0, 1] from a hash of (seed, node), mL = 1/ln M.</summary>
    public static int DrawLevel(int seed, int node, int m)
    {
        double u = ((Mix(seed, node) >> 11) + 0.5) * (1.0 / (1ul << 53));
        return Math.Min(30, (int)(-Math.Log(u) / Math.Log(m)));
    }

    /// <summary>SplitMix64's finaliser over (seed, node): a well-mixed 64-bit value from the pair.</summary>
    static ulong Mix(int seed, int node)
    {
        ulong x = (ulong)(uint)seed << 32 ^ (uint)node;
        x += 0x9E3779B97F4A7C15ul;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ul;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBul;
        return x ^ (x >> 31);
    }

    /// <summary>Rows <paramref name="from"/> … <paramref name="count"/> − 1 in the order of a second hash of (seed, row).</summary>
    static int[] Order(int seed, int from, int count)
    {
        var order = new int[count - from];
        var keys = new ulong[order.Length];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = from + i;
            keys[i] = Mix(~seed, from + i);
        }
        Array.Sort(keys, order);
        return order;
    }

    /// <summary>Links nodes <paramref name="from"/> … graph.Count − 1 into a graph whose nodes before <paramref name="from"/> are linked.</summary>
    public static void Insert<TSpace>(HnswGraph graph, TSpace space, int from, int efConstruction, int seed, CancellationToken token = default)
        where TSpace : struct, IHnswSpace
    {
        int n = graph.Count;
        if (n == from)
            return;
        var order = Order(seed, from, n);
        int next = 0;
        if (from == 0)
        {
            graph.Entry = order[0];
            graph.TopLevel = graph.Level(order[0]);
            next = 1;
        }
        var options = new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = token };
        for (int start = next; start < order.Length;)
        {
            int linked = from + start;
            int size = Math.Clamp(linked / 64, 1, 512);
            int end = Math.Min(order.Length, start + size);
            var chosen = new int[end - start][][];
            int entry = graph.Entry, top = graph.TopLevel;
            if (end - start == 1)
                chosen[0] = Neighbours(graph, space, order[start], entry, top, efConstruction);
            else
                Parallel.For(start, end, options, i => chosen[i - start] = Neighbours(graph, space, order[i], entry, top, efConstruction));

            // The new nodes' own lists, then the back links grouped by receiver.
            var back = new List<(int Node, int Level, int From)>();
            for (int i = start; i < end; i++)
            {
                int u = order[i];
                var lists = chosen[i - start];
                for (int level = 0; level < lists.Length; level++)
                {
                    var list = graph.List(u, level);
                    list[0] = lists[level].Length;
                    lists[level].CopyTo(list[1..]);
                    foreach (int v in lists[level])
                        back.Add((v, level, u));
                }
            }
            back.Sort();
            var groups = new List<(int Start, int End)>();
            for (int i = 0; i < back.Count;)
            {
                int j = i + 1;
                while (j < back.Count && back[j].Node == back[i].Node && back[j].Level == back[i].Level)
                    j++;
                groups.Add((i, j));
                i = j;
            }
            if (groups.Count < 64)
                foreach (var g in groups)
                    Link(graph, space, back, g.Start, g.End);
            else
                Parallel.ForEach(groups, options, g => Link(graph, space, back, g.Start, g.End));

            for (int i = start; i < end; i++)
                if (graph.Level(order[i]) is int level && level > graph.TopLevel)
                {
                    int u = order[i];
                    graph.TopLevel = graph.Level(u);
                    graph.Entry = u;
                }
            start = end;
        }
    }

    /// <summary>The neighbours node <paramref name="u"/> chooses at each of its levels (at most its level, at most the graph's top).</summary>
    static int[][] Neighbours<TSpace>(HnswGraph graph, TSpace space, int u, int entry, int top, int ef) where TSpace : struct, IHnswSpace
    {
        int level = graph.Level(u);
        var target = new HnswSearch.NodeTarget<TSpace>(space, u);
        var current = new Candidate(target.To(entry), entry);
        for (int l = top; l > level; l--)
            current = HnswSearch.Greedy(graph, target, current, l);
        var lists = new int[Math.Min(level, top) + 1][];
        Candidate[] entries = [current];
        for (int l = Math.Min(level, top); l >= 0; l--)
        {
            var found = HnswSearch.Layer(graph, target, entries, ef, l, graph.Count);
            lists[l] = Select(space, found, graph.M);
            entries = found;
        }
        return lists;
    }

    /// <summary>
    /// The diversity heuristic (algorithm 4): take candidates closest first, keeping one only when
    /// it is closer to the base than to every one kept, up to <paramref name="max"/>.
    /// </summary>
    static int[] Select<TSpace>(TSpace space, ReadOnlySpan<Candidate> sorted, int max) where TSpace : struct, IHnswSpace
    {
        var kept = new List<int>(max);
        foreach (var c in sorted)
        {
            if (kept.Count == max)
                break;
            bool diverse = true;
            foreach (int r in kept)
                if (space.Between(c.Node, r) < c.Distance)
                {
                    diverse = false;
                    break;
                }
            if (diverse)
                kept.Add(c.Node);
        }
        return [.. kept];
    }

    /// <summary>Adds back links back[start..end) (one receiver, one level) to the receiver's list, pruning when it overflows.</summary>
    static void Link<TSpace>(HnswGraph graph, TSpace space, List<(int Node, int Level, int From)> back, int start, int end)
        where TSpace : struct, IHnswSpace
    {
        var (v, level, _) = back[start];
        var list = graph.List(v, level);
        int capacity = list.Length - 1, degree = list[0];
        if (degree + (end - start) <= capacity)
        {
            for (int i = start; i < end; i++)
                list[1 + degree++] = back[i].From;
            list[0] = degree;
            return;
        }
        var candidates = new Candidate[degree + end - start];
        for (int i = 0; i < degree; i++)
            candidates[i] = new Candidate(space.Between(v, list[1 + i]), list[1 + i]);
        for (int i = start; i < end; i++)
            candidates[degree + i - start] = new Candidate(space.Between(v, back[i].From), back[i].From);
        Array.Sort(candidates, default(CandidateHeap.Order));
        var kept = Select(space, candidates, capacity);
        list[0] = kept.Length;
        kept.CopyTo(list[1..]);
    }
}
