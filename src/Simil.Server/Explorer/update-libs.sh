#!/usr/bin/env bash
# Refreshes lib/ from npm at the versions package.json and its lock file name: the built files the
# page loads, and every bundled package's licence (lib/LICENSES.md). Run it after changing a version.
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund
cp node_modules/chart.js/dist/chart.umd.min.js lib/chart.umd.min.js
cp node_modules/umap-js/lib/umap-js.min.js lib/umap-js.min.js
{
  echo "# The explorer page's libraries and their licences"
  echo
  echo "Built files from npm, embedded in Simil.Server and served by \`simil serve\` under /explorer/lib/."
  echo "\`chart.umd.min.js\` bundles chart.js and @kurkle/color; \`umap-js.min.js\` bundles umap-js and its ml-* dependencies."
  echo
  echo "| package | version | licence |"
  echo "|---|---|---|"
  for p in node_modules/@kurkle/color node_modules/chart.js node_modules/umap-js node_modules/is-any-array node_modules/ml-*; do
    node -e "const p=require('./$p/package.json');console.log('| '+p.name+' | '+p.version+' | '+p.license+' |')"
  done
  for p in node_modules/@kurkle/color node_modules/chart.js node_modules/umap-js node_modules/is-any-array node_modules/ml-*; do
    f=$(ls "$p" | grep -iE '^licen[cs]e' | head -1)
    echo
    echo "## $(node -e "console.log(require('./$p/package.json').name)")"
    echo
    echo '```text'
    cat "$p/$f"
    echo '```'
  done
} > lib/LICENSES.md
rm -rf node_modules
