#!/bin/bash
# Times `simil search INDEX --query Q -k 10` for a key (w123), a literal (lit.txt: row 123 of c10000.bin as [..]) and a
# text query: median of 5 runs after one warm-up. Run in the folder holding the index files and lit.txt.
# usage: timeq.sh BIN INDEX LABEL ; prints median of 5 wall times per query kind (after one warm-up each)
bin=$1; idx=$2; label=$3
for kind in key literal text; do
  case $kind in key) q="w123";; literal) q="$(cat lit.txt)";; text) q="rain and wind";; esac
  dotnet $bin/simil.dll search $idx --query "$q" -k 10 >/dev/null 2>/tmp/err.txt || { echo "$label $kind: fails: $(head -c 300 /tmp/err.txt)"; continue; }
  ts=()
  for i in 1 2 3 4 5; do
    s=$(date +%s.%N); dotnet $bin/simil.dll search $idx --query "$q" -k 10 >/dev/null 2>&1; e=$(date +%s.%N)
    ts+=($(echo "$e - $s" | bc))
  done
  med=$(printf '%s\n' "${ts[@]}" | sort -n | sed -n 3p)
  echo "$label $kind: median $med s (runs: ${ts[*]})"
done
