#!/usr/bin/env bash
# Gallery storage benchmark (docs/benchmarks.md, "Gallery storage"): memory, restart time and search latency of a
# gallery of SIZE images added through the API. One service per phase, on one fresh data folder:
#   1. empty service: RSS;  2. upload SIZE bench images (sgraf-load bench-api --fill-only): RSS at once and 5 s later, upload rate;
#   3. restart: seconds to /health/ready, RSS;  4. warm page cache: shortlist search, 1 client (p50/p99);
#   5. page cache dropped (needs root; skipped otherwise), restart, the first searches cold: p50/p99.
# RSS is split as the kernel counts it: RssAnon (the heap: ids, metadata, shortlist vectors, the open segment) and
# RssFile (pages of memory-mapped segment files in use: page cache the kernel can take back).
#
#   SIZE=5000             images              BUNDLE=DIR  the bundle (default: the demo bundle, models/shapes-bundle)
#   RUN_SECONDS=20        measured seconds    MODE=shortlist  search mode of phases 4 and 5
#   UPLOAD_BATCH=200      images per POST /images
#   DATA=DIR              a data folder this script filled before (kept, not deleted): skips phases 1 and 2
#   PORT=5392  OUT=artifacts/bench-storage/<time>   CONFIGURATION=Release
#   Other Sgraf__* variables (e.g. Sgraf__Storage__CheckpointBytes) pass through to the service.
#   SERVICE_ENV="K=V …"  variables for the service only (e.g. DOTNET_GCHeapHardLimit=0x20000000), not the load generator
# Example: SIZE=20000 BUNDLE=/tmp/sgraf-full-bundle scripts/bench-storage.sh
set -euo pipefail
cd "$(dirname "$0")/.."

size=${SIZE:-5000}
seconds=${RUN_SECONDS:-20}
mode=${MODE:-shortlist}
port=${PORT:-5392}
configuration=${CONFIGURATION:-Release}
out=${OUT:-artifacts/bench-storage/$(date -u +%Y%m%dT%H%M%SZ)}
url="http://127.0.0.1:$port"
key="bench-storage-key-0123456789"
# shellcheck source=lib/bundle.sh
source scripts/lib/bundle.sh
resolve_bundle
mkdir -p "$out"

dotnet build -c "$configuration" tools/Sgraf.LoadTest -v quiet -nologo >&2
dotnet build -c "$configuration" src/Sgraf.Api -v quiet -nologo >&2
calc() { python3 -c "print($1)"; }
sgraf_load() { dotnet "tools/Sgraf.LoadTest/bin/$configuration/net10.0/sgraf-load.dll" "$@"; }

if [ -n "${DATA:-}" ]; then
  data=$(cd "$DATA" && pwd)
  keep=1
else
  data=$(mktemp -d -t sgraf-bench-storage-XXXXXX)
  keep=0
fi
service=""
stop_service() {
  if [ -n "$service" ]; then kill "$service" 2>/dev/null || true; wait "$service" 2>/dev/null || true; service=""; fi
}
trap 'stop_service; if [ "$keep" = 0 ]; then rm -rf "$data"; fi' EXIT

# start_service LOG: starts the service; sets ready_seconds to how long it took to answer /health/ready.
start_service() {
  local started; started=$(date +%s.%N)
  # shellcheck disable=SC2086 # SERVICE_ENV is a list of words on purpose
  env ${SERVICE_ENV:-} Sgraf__DemoGallery__Enabled=false ${bundle:+Sgraf__BundleDirectory=$bundle} Sgraf__DataDirectory="$data" \
    Sgraf__ApiKeys__0="$key" Sgraf__Limits__MaxRequestBodyBytes=$((1 << 30)) \
    dotnet "src/Sgraf.Api/bin/$configuration/net10.0/Sgraf.Api.dll" --urls "$url" >"$1" 2>&1 &
  service=$!
  for _ in $(seq 2400); do
    if curl -sf -o /dev/null "$url/health/ready"; then ready_seconds=$(calc "$(date +%s.%N) - $started"); return; fi
    if ! kill -0 "$service" 2>/dev/null; then echo "error: the service stopped; the end of $1:" >&2; tail -20 "$1" >&2; exit 1; fi
    sleep 0.25
  done
  echo "error: the service was not ready after 600 s; see $1" >&2; exit 1
}
# rss: "VmRSS RssAnon RssFile" in MB of the running service.
rss() { awk '/^(VmRSS|RssAnon|RssFile):/ {printf "%.0f ", $2 / 1024}' "/proc/$service/status"; }
search() { sgraf_load bench-api --url "$url" --api-key "$key" --images "$size" --img-dim "$img_dim" --clients 1 --seconds "$1" --warmup "$2" --modes "$mode" --json "$3"; }
p50() { python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['runs'][0]; print(f\"{r['latencyMs']['p50']:.1f} {r['latencyMs']['p99']:.1f} {r['requestsPerSecond']:.1f}\")" "$1"; }

if [ "$keep" = 0 ]; then
  echo "== empty service" >&2
  start_service "$out/service-empty.log"
  read -r rss0 anon0 file0 <<<"$(rss)"
  echo "== uploading $size images" >&2
  upload_started=$(date +%s.%N)
  sgraf_load bench-api --url "$url" --api-key "$key" --images "$size" --img-dim "$img_dim" --upload-batch "${UPLOAD_BATCH:-200}" --fill-only | tee "$out/upload.txt"
  upload_seconds=$(calc "$(date +%s.%N) - $upload_started")
  read -r rss1 anon1 file1 <<<"$(rss)"
  # The service hands back what the upload used once adds stop for 2 s (Gallery/MemoryRelease.cs).
  sleep 5
  read -r rss1q anon1q file1q <<<"$(rss)"
  stop_service
fi
disk=$(du -sm "$data" | cut -f1)

echo "== restart" >&2
start_service "$out/service-restart.log"
restart=$ready_seconds
read -r rss2 anon2 file2 <<<"$(rss)"
echo "== warm searches" >&2
search "$seconds" 3 "$out/warm.json" | tee "$out/warm.txt"
read -r warm_p50 warm_p99 warm_qps <<<"$(p50 "$out/warm.json")"
read -r rss3 anon3 file3 <<<"$(rss)"
stop_service

cold="(not measured: dropping the page cache needs root)"
if sync && echo 3 2>/dev/null >/proc/sys/vm/drop_caches; then
  echo "== page cache dropped: restart and cold searches" >&2
  start_service "$out/service-cold.log"
  cold_restart=$ready_seconds
  search "$seconds" 0 "$out/cold.json" | tee "$out/cold.txt"
  read -r cold_p50 cold_p99 cold_qps <<<"$(p50 "$out/cold.json")"
  cold="restart to ready $(printf %.2f "$cold_restart") s; first ${seconds} s of searches: p50 ${cold_p50} ms, p99 ${cold_p99} ms, ${cold_qps} QPS"
  stop_service
fi

per_image() { calc "round(($1 - $2) * 1024 / $size, 1)"; }
{
  echo "Gallery storage: $size images of img_dim $img_dim, bundle ${bundle:-models/shapes-bundle}, $(nproc) logical CPUs, mode $mode"
  echo
  echo "| phase | RSS MB | anon MB | file-backed MB | note |"
  echo "| --- | ---: | ---: | ---: | --- |"
  if [ "$keep" = 0 ]; then
    echo "| empty service | $rss0 | $anon0 | $file0 | |"
    echo "| after uploading $size | $rss1 | $anon1 | $file1 | upload $(printf %.1f "$upload_seconds") s ($(calc "round($size / $upload_seconds)") images/s); RSS +$(per_image "$rss1" "$rss0") KB/image, anon +$(per_image "$anon1" "$anon0") KB/image |"
    echo "| the same, 5 s after the last add | $rss1q | $anon1q | $file1q | RSS +$(per_image "$rss1q" "$rss0") KB/image, anon +$(per_image "$anon1q" "$anon0") KB/image (the last unsealed adds included) |"
  fi
  echo "| restarted | $rss2 | $anon2 | $file2 | ready after $(printf %.2f "$restart") s |"
  echo "| after ${seconds} s of $mode searches | $rss3 | $anon3 | $file3 | warm: p50 $warm_p50 ms, p99 $warm_p99 ms, $warm_qps QPS (1 client) |"
  echo
  echo "Data folder: $disk MB on disk. Cold: $cold."
} | tee "$out/summary.md"
