#!/usr/bin/env bash
# Load test of the service's text-to-image search (docs/benchmarks.md): for each gallery size, starts the service with
# the batcher off, then on, runs `sgraf bench-api` against it, and stops it; then prints both side by side with ratios.
# The service gets a fresh data folder per size, filled once by a service of its own, so that both measured services
# start alike: restored from the same gallery log, with no upload behind them.
#
#   SIZES="1000 10000"  gallery sizes            CLIENTS=1,4,16  concurrent clients per measurement
#   RUN_SECONDS=20      measured seconds each    WARMUP=3        warm-up seconds before each measurement
#   ROUNDS=1            off-then-on rounds; with more, the summary shows medians, so that a change in the
#                       machine's background load does not land on one side only
#   PORT=5391           OUT=artifacts/bench-api/<time>: JSON results, service logs and metrics, summary.md
# Quick run: SIZES=1000 CLIENTS=1,8 RUN_SECONDS=5 scripts/bench-api.sh
# (not SECONDS: bash counts the seconds since its start in that variable). Other Sgraf__* variables, such as
# Sgraf__Batching__MaxBatchSize or Sgraf__Batching__MaxWaitMilliseconds, pass through to the service.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=${SIZES:-1000 10000}
clients=${CLIENTS:-1,4,16}
seconds=${RUN_SECONDS:-20}
warmup=${WARMUP:-3}
rounds=${ROUNDS:-1}
port=${PORT:-5391}
out=${OUT:-artifacts/bench-api/$(date +%Y%m%d-%H%M%S)}
url="http://127.0.0.1:$port"
key="bench-$RANDOM$RANDOM"
mkdir -p "$out"

dotnet build -c Release src/Sgraf.Training -v quiet -nologo >&2
dotnet build -c Release src/Sgraf.Api -v quiet -nologo >&2
sgraf() { dotnet src/Sgraf.Training/bin/Release/net10.0/sgraf.dll "$@"; }

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
  Sgraf__DataDirectory="$1" Sgraf__ApiKeys__0="$key" Sgraf__DemoGallery__Enabled=false \
    Sgraf__Batching__Enabled=$([ "$2" = on ] && echo true || echo false) \
    dotnet src/Sgraf.Api/bin/Release/net10.0/Sgraf.Api.dll --urls "$url" >"$3" 2>&1 &
  service=$!
  for _ in $(seq 240); do
    if curl -sf -o /dev/null "$url/health/ready"; then return; fi
    if ! kill -0 "$service" 2>/dev/null; then
      echo "error: the service stopped before it was ready; the end of $3:" >&2; tail -20 "$3" >&2; exit 1
    fi
    sleep 0.5
  done
  echo "error: the service was not ready after 120 s; see $3" >&2; exit 1
}

for size in $sizes; do
  data=$(mktemp -d -t sgraf-bench-api-XXXXXX)
  data_dirs+=("$data")
  echo "== $size images: upload" >&2
  start_service "$data" on "$out/service-$size-fill.log"
  sgraf bench-api --url "$url" --api-key "$key" --images "$size" --fill-only
  stop_service
  for round in $(seq "$rounds"); do
    for batching in off on; do
      name="$size-$batching-$round"
      echo "== $size images, batching $batching, round $round of $rounds" >&2
      start_service "$data" "$batching" "$out/service-$name.log"
      sgraf bench-api --url "$url" --api-key "$key" --images "$size" --clients "$clients" --seconds "$seconds" \
        --warmup "$warmup" --label "batching $batching" --json "$out/$name.json" | tee "$out/$name.txt"
      # Batch sizes, query-cache hits and scoring time, as the service counted them.
      curl -s "$url/metrics" >"$out/metrics-$name.prom" || true
      stop_service
    done
  done
done

off=() on=()
for size in $sizes; do
  for round in $(seq "$rounds"); do off+=("$out/$size-off-$round.json"); on+=("$out/$size-on-$round.json"); done
done
echo
echo "Text-to-image search under load, batching off vs on ($(nproc) logical CPUs, $seconds s per measurement, $rounds round(s)):"
sgraf bench-api-compare "${off[@]}" "${on[@]}" | tee "$out/summary.md"
echo "Results: $out" >&2
