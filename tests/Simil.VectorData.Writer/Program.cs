using Microsoft.Extensions.VectorData;
using Simil.VectorData;

// Usage:
//   Simil.VectorData.Writer FOLDER — upserts round after round (round r: records 0 … 10r+9, each
//   stamped with r, its vector a function of its key and r) until killed. Prints "ready" after round 0.
//   Simil.VectorData.Writer FOLDER concurrent WRITER FROM COUNT — upserts records FROM … FROM+COUNT-1
//   of collection "shared" one at a time (stamped with WRITER), each its own write, beside other
//   writers; prints "done".
if (args.Length == 5 && args[1] == "concurrent")
{
    using var shared = new SimilVectorStore(args[0], new SimilVectorStoreOptions { LocalModelWhenNoGenerator = false, FlushRows = 256 });
    var target = shared.GetCollection<int, Stamped>("shared");
    int writer = int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture);
    int from = int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture), count = int.Parse(args[4], System.Globalization.CultureInfo.InvariantCulture);
    for (int id = from; id < from + count; id++)
        await target.UpsertAsync(new Stamped { Id = id, Round = writer, Vector = Stamped.VectorFor(id, writer) });
    Console.WriteLine("done");
    return;
}
using var store = new SimilVectorStore(args[0], new SimilVectorStoreOptions { LocalModelWhenNoGenerator = false });
var collection = store.GetCollection<int, Stamped>("killed");
await collection.EnsureCollectionExistsAsync();
for (int round = 0; ; round++)
{
    var records = Enumerable.Range(0, 10 * round + 10).Select(i => new Stamped { Id = i, Round = round, Vector = Stamped.VectorFor(i, round) });
    await collection.UpsertAsync(records);
    if (round == 0)
        Console.WriteLine("ready");
}

/// <summary>A record stamped with the round that wrote it.</summary>
public sealed class Stamped
{
    [VectorStoreKey]
    public int Id { get; set; }

    [VectorStoreData]
    public int Round { get; set; }

    [VectorStoreVector(64, DistanceFunction = DistanceFunction.EuclideanSquaredDistance, IndexKind = IndexKind.Hnsw)]
    public float[]? Vector { get; set; }

    public static float[] VectorFor(int id, int round) => [.. Enumerable.Range(0, 64).Select(d => (float)Math.Sin(id * 0.37 + d * 0.11 + round))];
}
