#!/usr/bin/env bash
# Add latency while checkpoints run (docs/benchmarks.md, "Adds during checkpoints"): starts the service on an empty
# data folder with a small Sgraf:Storage:CheckpointBytes, uploads SIZE bench images as POST /images of UPLOAD_BATCH
# each, one after another (sgraf-load bench-api --fill-only), and prints the POSTs' p50/p99/max and how many
# checkpoints were written meanwhile (distinct logs named by checkpoint.json, polled every 50 ms).
#
#   SIZE=5000  UPLOAD_BATCH=20  CHECKPOINT_BYTES=8388608  PORT=5471  CONFIGURATION=Release  BUNDLE=DIR (default: demo)
#   API_DLL=FILE   another build of the service to measure with the same load generator (e.g. the commit before a change)
#   ROUNDS=1       runs, each on a fresh data folder; with API_DLL, each round measures API_DLL first, then this tree's
# Example: API_DLL=/tmp/before/src/Sgraf.Api/bin/Release/net10.0/Sgraf.Api.dll ROUNDS=3 scripts/bench-add-latency.sh
set -euo pipefail
cd "$(dirname "$0")/.."

size=${SIZE:-5000}
batch=${UPLOAD_BATCH:-20}
checkpoint_bytes=${CHECKPOINT_BYTES:-8388608}
port=${PORT:-5471}
configuration=${CONFIGURATION:-Release}
rounds=${ROUNDS:-1}
url="http://127.0.0.1:$port"
key="bench-add-latency-key-0123456789"
# shellcheck source=lib/bundle.sh
source scripts/lib/bundle.sh
resolve_bundle

# shellcheck source=lib/bench_service.sh
source scripts/lib/bench_service.sh
prepare_bench_service "$configuration"

# measure LABEL DLL: one upload on a fresh data folder; prints a table row.
measure() {
  if curl -s -o /dev/null "$url/health/live"; then echo "error: something already answers at $url; give another PORT" >&2; exit 1; fi
  data=$(mktemp -d -t sgraf-bench-add-XXXXXX)
  env Sgraf__DemoGallery__Enabled=false ${bundle:+Sgraf__BundleDirectory=$bundle} Sgraf__DataDirectory="$data" \
    Sgraf__Storage__CheckpointBytes="$checkpoint_bytes" Sgraf__ApiKeys__0="$key" Sgraf__Limits__MaxRequestBodyBytes=$((1 << 30)) \
    dotnet "$2" --urls "$url" >"$data.service.log" 2>&1 &
  service=$!
  for _ in $(seq 1200); do curl -sf -o /dev/null "$url/health/ready" && break; sleep 0.25; done
  local logs="$data.logs"
  : >"$logs"
  ( while kill -0 "$service" 2>/dev/null; do grep -o '"log": *"[^"]*"' "$data/checkpoint.json" 2>/dev/null >>"$logs" || true; sleep 0.05; done ) &
  local poller=$!
  local started; started=$(date +%s.%N)
  local out
  out=$(dotnet "tools/Sgraf.LoadTest/bin/$configuration/net10.0/sgraf-load.dll" bench-api --url "$url" --api-key "$key" \
    --images "$size" --img-dim "$img_dim" --upload-batch "$batch" --fill-only 2>"$data.load.err") || { cat "$data.load.err" >&2; exit 1; }
  local seconds; seconds=$(python3 -c "import time; print(f'{time.time() - $started:.1f}')")
  sleep 0.2
  kill "$poller" 2>/dev/null || true; wait "$poller" 2>/dev/null || true
  local checkpoints; checkpoints=$(sort -u "$logs" | wc -l)
  local latency; latency=$(grep -o 'p50 .*' <<<"$out")
  echo "| $1 | $latency | $checkpoints | ${seconds} s |"
  kill "$service"; wait "$service" 2>/dev/null || true; service=""
  rm -rf "$data" "$data.service.log" "$data.load.err" "$logs"; data=""
}

echo "Adds during checkpoints: $size images of img_dim $img_dim in POST /images of $batch, CheckpointBytes $checkpoint_bytes, $(nproc) logical CPUs"
echo
echo "| build | POST /images latency | checkpoints written | upload time |"
echo "| --- | --- | ---: | ---: |"
for _ in $(seq "$rounds"); do
  if [ -n "${API_DLL:-}" ]; then measure "$API_DLL" "$API_DLL"; fi
  measure "this tree ($(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src || echo '+changes'))" "$this_dll"
done
