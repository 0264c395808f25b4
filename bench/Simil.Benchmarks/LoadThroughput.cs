using System.Diagnostics;
using System.Globalization;
using System.Text;
using Simil.IO;

namespace Simil.Benchmarks;

/// <summary>
/// Load throughput (MB/s of file) of Simil's readers against gensim's
/// <c>KeyedVectors.load_word2vec_format</c> (text and binary), <c>numpy.load</c> and
/// <c>numpy.loadtxt</c>, on the same files in the same run, beside the speed of reading the file's
/// bytes from the disk cache; and each Simil reader's allocation against the vectors' own size.
/// Needs Debian's python3-gensim and python3-numpy.
/// </summary>
static class LoadThroughput
{
    const int Words = 50_000, Dims = 300, Runs = 3;

    public static int Run(string repository)
    {
        var folder = Directory.CreateTempSubdirectory("simil-load-").FullName;
        try
        {
            var random = new Random(5);
            var data = new float[Words * Dims];
            for (int i = 0; i < data.Length; i++)
                data[i] = (float)(random.NextDouble() * 2 - 1);
            var keys = Enumerable.Range(0, Words).Select(i => $"word{i}").ToArray();
            var matrix = EmbeddingMatrix.Create(data, Dims, keys);
            var files = new (string Name, VectorFileFormat Format, string Peer, string PeerCode)[]
            {
                ("vectors.vec", VectorFileFormat.Word2VecText, "gensim load_word2vec_format", "from gensim.models import KeyedVectors as K; K.load_word2vec_format(P, binary=False)"),
                ("vectors.bin", VectorFileFormat.Word2VecBinary, "gensim load_word2vec_format", "from gensim.models import KeyedVectors as K; K.load_word2vec_format(P, binary=True)"),
                ("vectors.npy", VectorFileFormat.Npy, "numpy.load", "import numpy as np; np.load(P)"),
                ("vectors.txt", VectorFileFormat.Text, "numpy.loadtxt", "import numpy as np; np.loadtxt(P, dtype=np.float32)"),
            };
            var c = CultureInfo.InvariantCulture;
            var md = new StringBuilder();
            md.AppendLine("# Load throughput: 50,000 × 300 float32 vectors");
            md.AppendLine();
            md.AppendLine(c, $"- CPU: {Machine.CpuName()} ({Environment.ProcessorCount} logical cores); {DateTime.UtcNow:yyyy-MM-dd}; `dotnet run -c Release --project bench/Simil.Benchmarks -- load`");
            md.AppendLine(c, $"- Median of {Runs} runs each, files in the page cache; MB/s is file bytes per second. Peers run in python3 (Debian's gensim and NumPy), timed inside the interpreter.");
            md.AppendLine("- Allocated: bytes Simil's reader allocated on all threads ÷ the vectors' own size (50,000 × 300 × 4 bytes), keys included; an upper bound on its peak memory.");
            md.AppendLine();
            md.AppendLine("| file | MB | cache read MB/s | Simil MB/s | peer | peer MB/s | Simil ÷ peer | Simil ÷ cache read | allocated |");
            md.AppendLine("|---|---:|---:|---:|---|---:|---:|---:|---:|");
            foreach (var (name, format, peer, code) in files)
            {
                var path = Path.Combine(folder, name);
                VectorFileWriter.Write(path, matrix, format);
                double megabytes = new FileInfo(path).Length / 1e6;
                double cache = Median(() => ReadBytes(path));
                long allocated = 0;
                double simil = Median(() =>
                {
                    long before = GC.GetTotalAllocatedBytes(precise: true);
                    var m = VectorFile.Read(path, new VectorReadOptions { Format = format }).Vectors!;
                    allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
                    if (m.Count != Words) throw new InvalidOperationException("wrong row count");
                });
                double python = Python(code, path);
                md.AppendLine(c, $"| {name} ({format.Name()}) | {megabytes:F0} | {megabytes / cache:F0} | {megabytes / simil:F0} | {peer} | {megabytes / python:F1} | {python / simil:F1} | {cache / simil:F2} | {allocated / (Words * Dims * 4.0):F2}× |");
                Console.WriteLine($"{name}: simil {simil:F3} s, {peer} {python:F3} s, cache {cache:F3} s");
            }
            var path2 = ResultsFile.PathFor(repository, "load");
            ResultsFile.Write(path2, md.ToString());
            Console.Write(md);
            return 0;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>The median of <see cref="Runs"/> timed runs, as the peers are timed.</summary>
    static double Median(Action action)
    {
        var times = new double[Runs];
        for (int r = 0; r < Runs; r++)
        {
            GC.Collect();
            var clock = Stopwatch.StartNew();
            action();
            times[r] = clock.Elapsed.TotalSeconds;
        }
        Array.Sort(times);
        return times[Runs / 2];
    }

    static void ReadBytes(string path)
    {
        var buffer = new byte[1 << 20];
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        while (stream.Read(buffer, 0, buffer.Length) > 0) { }
    }

    static double Python(string code, string path) => PythonPeer.Median($"P = {PythonPeer.Literal(path)}", code, Runs);

}
