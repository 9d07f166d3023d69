#!/usr/bin/env bash
# Admission by cost (docs/benchmarks.md, "Admission by cost"): issue 17's measurements, with `sgraf-load bench-admission`,
# against a service that holds the demo gallery (500 images, 2,500 captions), started on a fresh data folder per build:
# one request of 64 queries of 1,000 characters (exact), an ordinary query sent while three of those run, 64 clients ×
# 64 ordinary queries per request with one ordinary client beside them, and the answer size of 64 queries × k 1000.
#
#   API_DLL=FILE     another build of the service to measure first (e.g. main before the change), with the same load tool
#   ADMIT_LONG=1     also measure this tree with the per-request bound raised (Sgraf:Admission:MaxRequestCost 40,000,000,
#                    MaxHeavyCost 80,000,000), so that the long requests are admitted and run in the heavy lane; 0: skip
#   SCENARIOS=lone,beside,crowd,size   CROWD_SECONDS=60   PORT=5481   CONFIGURATION=Release
#   OUT=artifacts/bench-admission/<time>: each run's table, JSON and service log
# Other Sgraf__* variables pass through to every service measured.
# Example: API_DLL=/tmp/before/src/Sgraf.Api/bin/Release/net10.0/Sgraf.Api.dll scripts/bench-admission.sh
set -euo pipefail
cd "$(dirname "$0")/.."

port=${PORT:-5481}
configuration=${CONFIGURATION:-Release}
scenarios=${SCENARIOS:-lone,beside,crowd,size}
crowd_seconds=${CROWD_SECONDS:-60}
admit_long=${ADMIT_LONG:-1}
out=${OUT:-artifacts/bench-admission/$(date +%Y%m%d-%H%M%S)}
url="http://127.0.0.1:$port"
mkdir -p "$out"

# shellcheck source=lib/bench_service.sh
source scripts/lib/bench_service.sh
prepare_bench_service "$configuration"

# measure NAME LABEL DLL [SETTING=VALUE...]: the demo service from DLL on a fresh data folder, then the scenarios.
measure() {
  local name="$1" label="$2" dll="$3"; shift 3
  if curl -s -o /dev/null "$url/health/live"; then echo "error: something already answers at $url; give another PORT" >&2; exit 1; fi
  data=$(mktemp -d -t sgraf-bench-admission-XXXXXX)
  echo "== $label" >&2
  env Sgraf__DemoGallery__Enabled=true Sgraf__DataDirectory="$data" "$@" dotnet "$dll" --urls "$url" >"$out/service-$name.log" 2>&1 &
  service=$!
  for _ in $(seq 2400); do curl -sf -o /dev/null "$url/health/ready" && break; sleep 0.25; done
  curl -sf -o /dev/null "$url/health/ready" || { echo "error: the service did not get ready; see $out/service-$name.log" >&2; exit 1; }
  dotnet "tools/Sgraf.LoadTest/bin/$configuration/net10.0/sgraf-load.dll" bench-admission --url "$url" --scenarios "$scenarios" \
    --crowd-seconds "$crowd_seconds" --label "$label" --json "$out/$name.json" | tee "$out/$name.md"
  curl -s "$url/metrics" >"$out/metrics-$name.prom" || true
  kill "$service"; wait "$service" 2>/dev/null || true; service=""
  rm -rf "$data"; data=""
}

echo "Admission: the demo gallery, $(nproc) logical CPUs, scenarios $scenarios, crowd $crowd_seconds s"
if [ -n "${API_DLL:-}" ]; then measure before "$API_DLL" "$API_DLL"; fi
measure after "this tree ($(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src || echo '+changes'))" "$this_dll"
if [ "$admit_long" = 1 ]; then
  measure after-admit-long "this tree, MaxRequestCost 40M" "$this_dll" \
    Sgraf__Admission__MaxRequestCost=40000000 Sgraf__Admission__MaxHeavyCost=80000000
fi
echo "Results: $out" >&2
