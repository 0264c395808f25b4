using Simil.Fuzz;

// Simil.Fuzz TARGET       — the AFL++ loop for one target (fuzz/run.sh runs it under afl-fuzz).
// Simil.Fuzz seed DIR [GENSIM] — writes small seed inputs for every target into DIR/TARGET/
//                               (and cuts some from ../shared/data/gensim when given).
if (args is ["seed", var dir, .. var rest])
{
    Seeds.Write(dir, rest.Length > 0 ? rest[0] : null);
    return 0;
}
if (args.Length != 1 || !FuzzTargets.All.ContainsKey(args[0]))
{
    Console.Error.WriteLine($"usage: Simil.Fuzz TARGET | seed DIR (targets: {string.Join(", ", FuzzTargets.All.Keys)})");
    return 2;
}
string target = args[0];
SharpFuzz.Fuzzer.OutOfProcess.Run(stream =>
{
    using var buffer = new MemoryStream();
    stream.CopyTo(buffer);
    FuzzTargets.Run(target, buffer.ToArray());
});
return 0;
