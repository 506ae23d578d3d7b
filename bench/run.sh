#!/usr/bin/env bash
# Query-side load benchmark (BENCHMARKS.md, "Query load (finder)"): builds the release binary
# and the bench examples, generates ~100k groups (examples/load_feeds.rs), imports them with
# `supportmesh import`, exports them for the Apollo peer, starts three servers on 127.0.0.1
# (bare axum handler, supportmesh, plain Apollo Server) and runs the same load against each
# (examples/load.rs): the frontend's main query at 20 points, same connections and duration.
# Not part of CI. All traffic goes to 127.0.0.1; every run is bounded in time.
#
#   bash bench/run.sh                       # everything in a new temp dir
#   BENCH_DIR=/tmp/smload bash bench/run.sh # reuse that dir's data and store when present
#
# Settings (environment): BENCH_REGIONS (104: ~100k groups from 218k listings), BENCH_CONNECTIONS (64),
# BENCH_SECONDS (20), BENCH_WARMUP (5), BENCH_CLIENT_THREADS (1), BENCH_SM_LOG (RUST_LOG of the
# served supportmesh: info, as shipped), BENCH_PORT_BASE (18081: bare, +1 supportmesh, +2 Apollo),
# BENCH_NO_BUILD=1 (use the binaries already built).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
regions=${BENCH_REGIONS:-104}
conns=${BENCH_CONNECTIONS:-64}
secs=${BENCH_SECONDS:-20}
warmup=${BENCH_WARMUP:-5}
threads=${BENCH_CLIENT_THREADS:-1}
port=${BENCH_PORT_BASE:-18081}
dir=${BENCH_DIR:-$(mktemp -d /tmp/supportmesh-load.XXXXXX)}
mkdir -p "$dir/logs"
bin=${CARGO_TARGET_DIR:-$root/target}/release
echo "bench dir: $dir"

# Two builds: the service exactly as `cargo build --release --locked` makes it, then the
# examples (dev-dependencies unify other features into their own copy of the library).
if [ "${BENCH_NO_BUILD:-0}" != 1 ]; then
  cargo build --release --locked
  cargo build --release --locked --example load_feeds --example load --example bare_peer
fi
if [ ! -f "$root/bench/apollo-peer/node_modules/.package-lock.json" ]; then
  (cd "$root/bench/apollo-peer" && npm ci --ignore-scripts --no-audit --no-fund)
fi

config=$dir/supportmesh.toml
if [ ! -f "$config" ]; then
  "$bin/examples/load_feeds" "$dir" --regions "$regions" --port $((port + 1))
fi
if [ ! -f "$dir/imported" ]; then
  started=$(date +%s)
  "$bin/supportmesh" import --config "$config" 2>"$dir/logs/import.log" | tail -1
  echo "import took $(($(date +%s) - started)) s" >"$dir/imported"
fi
cat "$dir/imported"
if [ ! -f "$dir/export.jsonl" ]; then
  "$bin/supportmesh" export --config "$config" --out "$dir/export.jsonl"
fi
echo "groups: $(wc -l < "$dir/export.jsonl")"

pids=()
stop() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
}
trap stop EXIT
wait_port() {
  for _ in $(seq 1 600); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    sleep 0.2
  done
  echo "nothing listens on port $1 after 120 s" >&2
  return 1
}

RUST_LOG=${BENCH_SM_LOG:-info} "$bin/supportmesh" serve --config "$config" >"$dir/logs/supportmesh.log" 2>&1 &
pids+=($!)
wait_port $((port + 1))
url() { echo "http://127.0.0.1:$1/graphql"; }
"$bin/examples/load" --url "$(url $((port + 1)))" --requests "$dir/requests.jsonl" --record "$dir/answers.jsonl"

"$bin/examples/bare_peer" --listen "127.0.0.1:$port" --requests "$dir/requests.jsonl" \
  --answers "$dir/answers.jsonl" >"$dir/logs/bare.log" 2>&1 &
pids+=($!)
node "$root/bench/apollo-peer/server.mjs" --port $((port + 2)) --groups "$dir/export.jsonl" >"$dir/logs/apollo.log" 2>&1 &
pids+=($!)
wait_port "$port"
wait_port $((port + 2))
"$bin/examples/load" --url "$(url $((port + 2)))" --requests "$dir/requests.jsonl" --record "$dir/apollo-answers.jsonl"
node "$root/bench/apollo-peer/compare.mjs" "$dir/answers.jsonl" "$dir/apollo-answers.jsonl"

echo "load: $conns connections, ${warmup} s warm-up + ${secs} s each, $threads client thread(s); $(nproc) cores"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
table=$dir/table.md
header=--header
: >"$table"
for target in "bare axum handler:$port" "supportmesh:$((port + 1))" "Apollo Server peer:$((port + 2))"; do
  "$bin/examples/load" --url "$(url "${target##*:}")" --requests "$dir/requests.jsonl" --label "${target%:*}" \
    --connections "$conns" --seconds "$secs" --warmup "$warmup" --threads "$threads" $header | tee -a "$table"
  header=
done
# The compute path: the same supportmesh with the response cache off, every request resolved.
kill "${pids[0]}"; wait "${pids[0]}" 2>/dev/null || true
SUPPORTMESH_SERVER_RESPONSE_CACHE=false RUST_LOG=${BENCH_SM_LOG:-info} "$bin/supportmesh" serve --config "$config" \
  >"$dir/logs/supportmesh-nocache.log" 2>&1 &
pids[0]=$!
wait_port $((port + 1))
"$bin/examples/load" --url "$(url $((port + 1)))" --requests "$dir/requests.jsonl" --label "supportmesh, response cache off" \
  --connections "$conns" --seconds "$secs" --warmup "$warmup" --threads "$threads" | tee -a "$table"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
col() { awk -F'|' -v t="$1" -v c="$2" '$2 ~ t { gsub(/ /, "", $c); print $c }' "$table"; }
awk -v sm="$(col '^ *supportmesh *$' 6)" -v bare="$(col bare 6)" -v ap="$(col Apollo 6)" -v p99="$(col '^ *supportmesh *$' 9)" -v nc="$(col 'cache off' 6)" -v ncp99="$(col 'cache off' 9)" 'BEGIN {
  yes = "met"; no = "NOT met"
  printf "supportmesh / bare = %.3f (target >= 0.2: %s)\n", sm / bare, (sm / bare >= 0.2) ? yes : no
  printf "supportmesh / Apollo = %.1f (target >= 20: %s)\n", sm / ap, (sm / ap >= 20) ? yes : no
  printf "supportmesh p99 = %s ms (target < 10 ms: %s)\n", p99, (p99 < 10) ? yes : no
  printf "response cache off: / bare = %.3f, / Apollo = %.1f, p99 = %s ms\n", nc / bare, nc / ap, ncp99
}'
