#!/usr/bin/env bash
# Load test of the service's text-to-image search (docs/benchmarks.md): for each gallery size, starts the service with
# the batcher off, then on, runs `sgraf-load bench-api` against it, and stops it; then prints both side by side with ratios.
# With MODES set it compares search modes instead: one service per round (batcher as BATCHING says, default on), and
# `sgraf-load bench-api --modes` measures each mode at each client count in turn; the summary puts the modes side by side.
# The service gets a fresh data folder per size, filled once by a service of its own, so that the measured services
# start alike: restored from the same gallery log, with no upload behind them.
#
#   SIZES="1000 10000"  gallery sizes            CLIENTS=1,4,16  concurrent clients per measurement
#   RUN_SECONDS=20      measured seconds each    WARMUP=3        warm-up seconds before each measurement
#   ROUNDS=1            rounds (off then on, or each mode); with more, the summary shows medians, so that a change in
#                       the machine's background load does not land on one side only
#   MODES=exact,shortlist  search modes to compare (exact, shortlist, auto, default); unset: batching off vs on
#   SHORTLIST=K         candidates reranked per query in modes shortlist and auto (unset: the service's default, 200)
#   BATCHING=on         with MODES: the batcher setting(s) to measure, "on", "off" or "off on"
#   BUNDLE=DIR          the ONNX bundle to serve (Sgraf__BundleDirectory); unset: the demo bundle, models/shapes-bundle.
#                       Its img_dim sets the bench images' features, and the body limit grows if an upload needs it.
#   PORT=5391           OUT=artifacts/bench-api/<time>: JSON results, service logs and metrics, summary.md
#   READY_SECONDS=600   how long a service may take to start (a 10k full-size gallery takes a while to restore)
#   CONFIGURATION=Release  the build the script builds and runs
# Quick run: SIZES=1000 CLIENTS=1,8 RUN_SECONDS=5 scripts/bench-api.sh
# Modes: SIZES="2000 10000" MODES=exact,shortlist BUNDLE=/tmp/full-bundle scripts/bench-api.sh
# (not SECONDS: bash counts the seconds since its start in that variable). Other Sgraf__* variables, such as
# Sgraf__Batching__MaxBatchSize or Sgraf__Batching__MaxWaitMilliseconds, pass through to the service.
set -euo pipefail
# BUNDLE as given, from where the script was started (it runs from the repository root).
bundle=""
if [ -n "${BUNDLE:-}" ]; then
  bundle=$(cd "$BUNDLE" 2>/dev/null && pwd) || { echo "error: BUNDLE=$BUNDLE is not a folder" >&2; exit 1; }
fi
cd "$(dirname "$0")/.."
sizes=${SIZES:-1000 10000}
clients=${CLIENTS:-1,4,16}
seconds=${RUN_SECONDS:-20}
warmup=${WARMUP:-3}
rounds=${ROUNDS:-1}
port=${PORT:-5391}
out=${OUT:-artifacts/bench-api/$(date +%Y%m%d-%H%M%S)}
modes=${MODES:-}
shortlist=${SHORTLIST:-}
ready_seconds=${READY_SECONDS:-600}
configuration=${CONFIGURATION:-Release}
upload_batch=200
if [ -n "$modes" ]; then batchings=${BATCHING:-on}; else batchings=${BATCHING:-off on}; fi
url="http://127.0.0.1:$port"
key="bench-$RANDOM$RANDOM"
mkdir -p "$out"

manifest=${bundle:-models/shapes-bundle}/manifest.json
if [ ! -f "$manifest" ]; then echo "error: no bundle manifest at $manifest; BUNDLE is a folder made by sgraf export-onnx" >&2; exit 1; fi
img_dim=$(grep -o '"img_dim": *[0-9]*' "$manifest" | head -1 | grep -o '[0-9]*$')
if [ -n "$modes" ] && [[ ",$modes," == *,shortlist,* ]] && ! grep -q '"shortlist": *{' "$manifest"; then
  echo "error: MODES has shortlist, but the bundle in $(dirname "$manifest") has no shortlist head" >&2; exit 1
fi
service_env=(Sgraf__DemoGallery__Enabled=false)
if [ -n "$bundle" ]; then service_env+=("Sgraf__BundleDirectory=$bundle"); fi
# An upload of $upload_batch images is 36 × img_dim float32 values each, base64 (4/3), plus JSON; the service's
# default limit (256 MiB) holds 200 images up to img_dim ≈ 6500. Raised only where an upload would not fit.
upload_bytes=$((upload_batch * 36 * img_dim * 4 * 4 / 3 + 1024 * 1024))
if [ "$upload_bytes" -gt $((256 * 1024 * 1024)) ] && [ -z "${Sgraf__Limits__MaxRequestBodyBytes:-}" ]; then
  service_env+=("Sgraf__Limits__MaxRequestBodyBytes=$((upload_bytes * 5 / 4))")
fi
mode_args=()
if [ -n "$modes" ]; then mode_args+=(--modes "$modes"); fi
if [ -n "$shortlist" ]; then mode_args+=(--shortlist "$shortlist"); fi

dotnet build -c "$configuration" tools/Sgraf.LoadTest -v quiet -nologo >&2
dotnet build -c "$configuration" src/Sgraf.Api -v quiet -nologo >&2
sgraf_load() { dotnet "tools/Sgraf.LoadTest/bin/$configuration/net10.0/sgraf-load.dll" "$@"; }

service=""
data_dirs=()
cleanup() {
  stop_service
  for dir in "${data_dirs[@]}"; do rm -rf "$dir"; done
}
stop_service() {
  if [ -n "$service" ]; then kill "$service" 2>/dev/null || true; wait "$service" 2>/dev/null || true; service=""; fi
}
trap cleanup EXIT

# start_service DATA_DIR on|off LOG
start_service() {
  if curl -s -o /dev/null "$url"; then echo "error: something already answers at $url; set PORT" >&2; exit 1; fi
  env "${service_env[@]}" Sgraf__DataDirectory="$1" Sgraf__ApiKeys__0="$key" \
    Sgraf__Batching__Enabled=$([ "$2" = on ] && echo true || echo false) \
    dotnet "src/Sgraf.Api/bin/$configuration/net10.0/Sgraf.Api.dll" --urls "$url" >"$3" 2>&1 &
  service=$!
  for _ in $(seq $((ready_seconds * 2))); do
    if curl -sf -o /dev/null "$url/health/ready"; then return; fi
    if ! kill -0 "$service" 2>/dev/null; then
      echo "error: the service stopped before it was ready; the end of $3:" >&2; tail -20 "$3" >&2; exit 1
    fi
    sleep 0.5
  done
  echo "error: the service was not ready after $ready_seconds s; see $3" >&2; exit 1
}

for size in $sizes; do
  data=$(mktemp -d -t sgraf-bench-api-XXXXXX)
  data_dirs+=("$data")
  echo "== $size images: upload" >&2
  start_service "$data" on "$out/service-$size-fill.log"
  sgraf_load bench-api --url "$url" --api-key "$key" --images "$size" --img-dim "$img_dim" --upload-batch "$upload_batch" --fill-only
  stop_service
  for round in $(seq "$rounds"); do
    for batching in $batchings; do
      name="$size-$batching-$round"
      echo "== $size images, batching $batching${modes:+, modes $modes}, round $round of $rounds" >&2
      start_service "$data" "$batching" "$out/service-$name.log"
      sgraf_load bench-api --url "$url" --api-key "$key" --images "$size" --img-dim "$img_dim" --clients "$clients" --seconds "$seconds" \
        --warmup "$warmup" "${mode_args[@]}" --label "batching $batching" --json "$out/$name.json" | tee "$out/$name.txt"
      # Batch sizes, query-cache hits and scoring time, as the service counted them.
      curl -s "$url/metrics" >"$out/metrics-$name.prom" || true
      stop_service
    done
  done
done

results=()
for batching in $batchings; do
  for size in $sizes; do
    for round in $(seq "$rounds"); do results+=("$out/$size-$batching-$round.json"); done
  done
done
echo
if [ -n "$modes" ]; then
  echo "Text-to-image search under load, modes $modes${shortlist:+ (shortlist $shortlist)}, batching ${batchings// / vs }, bundle ${bundle:-models/shapes-bundle} ($(nproc) logical CPUs, $seconds s per measurement, $rounds round(s)):"
  sgraf_load bench-api-compare --by mode "${results[@]}" | tee "$out/summary.md"
else
  echo "Text-to-image search under load, batching ${batchings// / vs } ($(nproc) logical CPUs, $seconds s per measurement, $rounds round(s)):"
  sgraf_load bench-api-compare "${results[@]}" | tee "$out/summary.md"
fi
echo "Results: $out" >&2
