#!/usr/bin/env bash
# Write-path benchmark (BENCHMARKS.md, "Write path at scale"): generates Meeting Guide feeds
# from the real SE Pennsylvania listings (examples/load_feeds.rs: REGIONS regions of 2,098
# listings, PER_SOURCE regions per source), then, each through `supportmesh import` with the
# release binary under /usr/bin/time -v:
#   1. the first import into an empty store;
#   2. the same feeds again (byte-identical: the document-hash no-op);
#   3. the same feeds with one byte changed (a trailing newline): every listing parsed,
#      diffed and found unchanged;
#   4. DAYS daily re-imports with 1% of the listings renamed each day (the disk figure).
# Prints wall time, listings/s, peak RSS and the store's size on disk after each step.
# Not part of CI. Delete BENCH_DIR afterwards: a 1M store is several GB.
#
#   BENCH_REGIONS=477 BENCH_PER_SOURCE=48 bash bench/import/run.sh   # ~1,000,000 listings
#   BENCH_REGIONS=48 BENCH_PER_SOURCE=48 bash bench/import/run.sh    # the issue's 100k feed
#
# Settings (environment): BENCH_REGIONS (48), BENCH_PER_SOURCE (48), BENCH_COLUMNS (40),
# BENCH_DAYS (7; 0 skips the churn), BENCH_DIR (a new temp dir), BENCH_BIN (the binary to
# measure; built with `cargo build --release` when unset), BENCH_NO_BUILD=1.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
regions=${BENCH_REGIONS:-48}
per_source=${BENCH_PER_SOURCE:-48}
columns=${BENCH_COLUMNS:-40}
days=${BENCH_DAYS:-7}
dir=${BENCH_DIR:-$(mktemp -d /tmp/supportmesh-import.XXXXXX)}
target=${CARGO_TARGET_DIR:-$root/target}/release
mkdir -p "$dir/logs"
if [ "${BENCH_NO_BUILD:-0}" != 1 ]; then
  cargo build --release --locked
  cargo build --release --locked --example load_feeds
fi
bin=${BENCH_BIN:-$target/supportmesh}
gen=$target/examples/load_feeds
listings=$((regions * 2098))
echo "bench dir: $dir; $listings listings in $(((regions + per_source - 1) / per_source)) source(s); $(nproc) cores"
echo "binary: $bin ($(cd "$root" && git rev-parse --short HEAD)); load average $(cut -d' ' -f1-3 /proc/loadavg)"

rm -rf "$dir/store" "$dir/feeds"
"$gen" "$dir" --regions "$regions" --per-source "$per_source" --columns "$columns" >/dev/null
config=$dir/supportmesh.toml
# A source of 48 regions is an 80 MB document, above the default fetch limit.
export SUPPORTMESH_FETCH_MAX_BODY_BYTES=${SUPPORTMESH_FETCH_MAX_BODY_BYTES:-2000000000}

# step NAME: one `supportmesh import` of every source, timed.
step() {
  local name=$1 log=$dir/logs/$1
  /usr/bin/time -v "$bin" import --config "$config" >"$log.out" 2>"$log.err" || {
    echo "$name: import failed (see $log.out, $log.err)" >&2
    tail -5 "$log.out" >&2
    return 1
  }
  local wall rss secs runs
  # The runs' own time (the `import run finished ... ms=` lines), without the process's start
  # and the store's open.
  runs=$(sed 's/\x1b\[[0-9;]*m//g' "$log.err" | grep -o 'import run finished.* ms=[0-9]*' | sed 's/.*ms=//' |
    awk '{ s += $1 } END { printf "%.1f", s / 1000 }')
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { print $2 }' "$log.err")
  rss=$(awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$log.err")
  secs=$(echo "$wall" | awk -F: '{ if (NF == 3) print $1 * 3600 + $2 * 60 + $3; else print $1 * 60 + $2 }')
  printf '%-22s wall %7.1f s  %8.0f listings/s  runs %7s s  %8.0f listings/s  peak RSS %6s MB  store %s  (%s)\n' \
    "$name" "$secs" "$(echo "$listings $secs" | awk '{ print ($2 > 0) ? $1 / $2 : 0 }')" "$runs" \
    "$(echo "$listings $runs" | awk '{ print ($2 > 0) ? $1 / $2 : 0 }')" "$rss" \
    "$(du -sh "$dir/store" | cut -f1)" "$(tail -1 "$log.out")"
}

step first-import
step unchanged-same-bytes
for f in "$dir"/feeds/*.json; do printf '\n' >>"$f"; done
step unchanged-reparsed
for day in $(seq 1 "$days"); do
  "$gen" "$dir" --regions "$regions" --per-source "$per_source" --columns "$columns" --churn-day "$day" >/dev/null
  step "churn-day-$day"
done
