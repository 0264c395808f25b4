#!/usr/bin/env bash
# fuzz/run.sh TARGET SECONDS — coverage-guided fuzzing of one reader (or the index file) with
# SharpFuzz under AFL++. Not part of CI. Needs Debian's afl++ (apt-get install afl++); installs
# the SharpFuzz instrumenter as a local tool under fuzz/out/tools.
#
#   TARGET: npy npy-bfloat16 text csv tsv word2vec-text fasttext glove word2vec-binary fvecs
#           jsonl plain sniff literal index
#
# Seeds: fuzz/corpus/TARGET (committed). Findings: fuzz/out/TARGET/findings (ignored). When the
# run ends, new queue entries are added to fuzz/corpus/TARGET and every crash or hang is copied to
# fuzz/crashes/TARGET, both replayed by Simil.Tests (FuzzRegressionTests) in CI.
set -euo pipefail
target=${1:?usage: fuzz/run.sh TARGET SECONDS}
seconds=${2:?usage: fuzz/run.sh TARGET SECONDS}
root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/fuzz/out/$target"
bin="$out/bin"
tools="$root/fuzz/out/tools"

command -v afl-fuzz >/dev/null || { echo "fuzz/run.sh: afl-fuzz not found (apt-get install afl++)" >&2; exit 1; }
[ -x "$tools/sharpfuzz" ] || dotnet tool install SharpFuzz.CommandLine --version 2.3.0 --tool-path "$tools" >/dev/null

rm -rf "$bin"
dotnet publish "$root/fuzz/Simil.Fuzz" -c Release -o "$bin" >/dev/null
corpus="$root/fuzz/corpus/$target"
if [ ! -d "$corpus" ]; then   # seeds come from the uninstrumented build (instrumented code needs AFL)
  dotnet "$bin/Simil.Fuzz.dll" seed "$root/fuzz/corpus" "$root/../shared/data/gensim"
fi
# Only the library is instrumented: coverage of Simil's code, not of the harness or the runtime.
DOTNET_ROLL_FORWARD=Major "$tools/sharpfuzz" "$bin/Simil.Core.dll"

findings="$out/findings"
rm -rf "$findings"
# -t 1000: an input that takes over a second is a hang. -m none: the CLR reserves far more
# address space than it uses (allocation findings come from FuzzTargets' own accounting).
AFL_SKIP_BIN_CHECK=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1 \
AFL_NO_AFFINITY=1 AFL_SKIP_CRASHES=1 \
  afl-fuzz -V "$seconds" -i "$corpus" -o "$findings" -t 1000 -m none -- dotnet "$bin/Simil.Fuzz.dll" "$target" \
  > "$out/afl.log" 2>&1 || { echo "fuzz/run.sh: afl-fuzz failed, see $out/afl.log" >&2; tail -20 "$out/afl.log" >&2; exit 1; }

stats="$findings/default/fuzzer_stats"
grep -E '^(execs_done|execs_per_sec|run_time|corpus_count|saved_crashes|saved_hangs|bitmap_cvg)' "$stats" | tr -s ' '
# Keep what the fuzzer learned (small inputs only) and every crash and hang as regression inputs.
for f in "$findings"/default/queue/id:*; do
  [ -f "$f" ] && [ "$(stat -c %s "$f")" -le 65536 ] || continue
  cp -n "$f" "$corpus/$(sha1sum "$f" | cut -c1-16)"
done
for kind in crashes hangs; do
  for f in "$findings"/default/$kind/id:*; do
    [ -f "$f" ] || continue
    mkdir -p "$root/fuzz/crashes/$target"
    cp -n "$f" "$root/fuzz/crashes/$target/$kind-$(sha1sum "$f" | cut -c1-16)"
  done
done
