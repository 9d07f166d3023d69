#!/usr/bin/env bash
# Sharded cluster benchmark (docs/benchmarks.md, "Sharded cluster (issue 13)"): a single node (local store) and a cluster
# (scripts/run-cluster.sh: redis-server, silos, nginx, all on 127.0.0.1) get the same SIZE shapes images and their
# captions through `sgraf-load gallery import`, then:
#   (a) compare-answers: QUERIES text-to-image and image-to-text queries (mode auto) to both; every answer must be equal;
#   (b) QPS and p50/p99 of text-to-image search (sgraf-load bench-api --keep-gallery, 1 and 4 clients): the single node,
#       then the cluster restarted with 1, 2 and 3 silos on the same data (each time once every shard is ready where it
#       belongs);
#   (c) kill -9 of silo 2 while adds and searches stream through nginx (scripts/lib/cluster_failover.py): seconds until
#       searches answer 200 again, and every add answered 200 read back;
#   (d) silo 2 back, then a 4th silo: how many shards moved (from /health/ready's shardStates), and compare-answers again.
# Prints a table and writes every figure to OUT.
#
#   SIZE=30000        images (5 captions each) from the shapes split's test part
#   SHAPES=DIR        a shapes split with at least SIZE test images (default data/shapes-bench, made with
#                     `sgraf make-shapes --seed 11 --train 1 --dev 1 --test SIZE` when it has fewer)
#   RUN_SECONDS=20    measured seconds per client count     QUERIES=200  queries per direction in (a) and (d)
#   OUT=artifacts/bench-cluster/<time>    WORK=DIR (data of both services and the cluster; default a temp folder, deleted)
#   PORT=5393 (single node)  BALANCER_PORT=19180, REDIS_PORT=16480 (the cluster; silos' API ports follow the balancer's)
#   CONFIGURATION=Release
# Example: SIZE=5000 SHAPES=data/shapes10k RUN_SECONDS=15 bash scripts/bench-cluster.sh
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
size=${SIZE:-30000}
seconds=${RUN_SECONDS:-20}
queries=${QUERIES:-200}
shapes=${SHAPES:-data/shapes-bench}
configuration=${CONFIGURATION:-Release}
out=${OUT:-artifacts/bench-cluster/$(date -u +%Y%m%dT%H%M%SZ)}
port=${PORT:-5393}
if [ -n "${WORK:-}" ]; then work=$WORK; keep_work=1; else work=$(mktemp -d -t sgraf-bench-cluster-XXXXXX); keep_work=0; fi
key="bench-cluster-key-0123456789"
single="http://127.0.0.1:$port"
export SGRAF_CLUSTER_DIR="$work/cluster" SGRAF_BALANCER_PORT="${BALANCER_PORT:-19180}" SGRAF_REDIS_PORT="${REDIS_PORT:-16480}" \
  SGRAF_SILO_PORT=11210 SGRAF_API_KEY="$key" SGRAF_DEMO=false SGRAF_REDIS_PASSWORD="$(openssl rand -hex 24)" \
  SGRAF_API_DLL="$repo/src/Sgraf.Api/bin/$configuration/net10.0/Sgraf.Api.dll" SGRAF_READY_TIMEOUT=600
cluster="http://127.0.0.1:$SGRAF_BALANCER_PORT"
mkdir -p "$out" "$work"
log() { echo "== $*" >&2; }

dotnet build -c "$configuration" tools/Sgraf.LoadTest -v quiet -nologo >&2
dotnet build -c "$configuration" src/Sgraf.Api -v quiet -nologo >&2
sgraf_load() { dotnet "tools/Sgraf.LoadTest/bin/$configuration/net10.0/sgraf-load.dll" "$@"; }
# shellcheck source=lib/bundle.sh
source scripts/lib/bundle.sh
img_dim=$(bundle_img_dim models/shapes-bundle)
npy_rows() { python3 -c "import ast,sys; f=open(sys.argv[1],'rb'); f.read(8); n=int.from_bytes(f.read(2),'little'); print(ast.literal_eval(f.read(n).decode('latin1'))['shape'][0])" "$1" 2>/dev/null || echo 0; }
if [ "$(npy_rows "$shapes/test_ims.npy")" -lt "$size" ]; then
  log "making a shapes split of $size test images in $shapes"
  dotnet build -c "$configuration" src/Sgraf.Training -v quiet -nologo >&2
  dotnet "src/Sgraf.Training/bin/$configuration/net10.0/sgraf.dll" make-shapes --out "$shapes" --seed 11 --train 1 --dev 1 --test "$size" --img-dim "$img_dim"
fi

service=""
stop_single() { if [ -n "$service" ]; then kill "$service" 2>/dev/null || true; wait "$service" 2>/dev/null || true; service=""; fi; }
cleanup() {
  stop_single
  bash scripts/run-cluster.sh stop 2>/dev/null || true
  mkdir -p "$out/cluster-logs" && cp "$SGRAF_CLUSTER_DIR"/*.log "$out/cluster-logs/" 2>/dev/null || true
  if [ "$keep_work" = 0 ]; then rm -rf "$work"; fi
}
trap cleanup EXIT
start_single() {
  Sgraf__DemoGallery__Enabled=false Sgraf__DataDirectory="$work/single" Sgraf__ApiKeys__0="$key" \
    dotnet "$SGRAF_API_DLL" --urls "$single" >"$out/single-$1.log" 2>&1 &
  service=$!
  for _ in $(seq 2400); do
    if curl -sf -o /dev/null "$single/health/ready"; then return; fi
    if ! kill -0 "$service" 2>/dev/null; then echo "error: the single node stopped; see $out/single-$1.log" >&2; exit 1; fi
    sleep 0.25
  done
  echo "error: the single node was not ready after 600 s" >&2; exit 1
}
import_gallery() {
  sgraf_load gallery import --data "$shapes" --split test --limit "$size" --captions --id-prefix shapes- --url "$1" --api-key "$key" \
    2>"$out/import-$2.err" | tee "$out/import-$2.txt"
}
# "silos placed shards placement": the cluster as /health/ready through nginx reports it to a key holder (placed:
# shards ready on the silo placement owns them to; placement: shard=silo,…).
cluster_state() {
  curl -s -H "X-Api-Key: $key" "$cluster/health/ready" | python3 -c "
import collections,json,sys
c=json.load(sys.stdin).get('cluster') or {}
states=sorted(c.get('shardStates',[]), key=lambda s: s['shard'])
placed=sum(1 for s in states if s['ready'] and s['silo'] == s['owner'])
print(len(c.get('silos',[])), placed, c.get('shards',0), ','.join(f\"{s['shard']}={s['silo']}\" for s in states))" 2>/dev/null || echo "0 0 0 -"
}
# Waits until SILOS silos are active and every shard is ready on its owner (shards move only once membership has been
# still for 10 s, so a stable placement alone is not yet the settled one), the same for three rounds (6 s).
wait_settled() {
  local want="$1" last="" same=0 deadline=$((SECONDS + 300)) silos placed shards placement
  while [ "$SECONDS" -lt "$deadline" ]; do
    read -r silos placed shards placement <<<"$(cluster_state)"
    if [ "$silos" = "$want" ] && [ "$placed" = "$shards" ] && [ "$shards" != 0 ] && [ "$placement" = "$last" ]; then
      same=$((same + 1)); if [ "$same" -ge 3 ]; then echo "$placement"; return; fi
    else
      same=0
    fi
    last=$placement
    sleep 2
  done
  echo "error: the cluster did not settle at $want silos with every shard ready on its owner; last: $silos silos, $placed of $shards ready on their owners ($placement)" >&2; exit 1
}
silo_pid() { cat "$SGRAF_CLUSTER_DIR/silo-$1.pid"; }
rss_mb() { awk '/^VmRSS:/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }
bench() {
  sgraf_load bench-api --url "$1" --keep-gallery --images "$size" --img-dim "$img_dim" --clients 1,4 --seconds "$seconds" --warmup 3 \
    --label "$2" --json "$out/qps-$3.json" | tee "$out/qps-$3.txt"
}
compare() {
  local rc=0
  sgraf_load compare-answers --a "$single" --b "$cluster" --queries "$queries" --seed "$2" --mode auto --json "$out/compare-$1.json" \
    2>"$out/compare-$1.err" | tee "$out/compare-$1.txt" || rc=$?
  echo "compare-answers ($1) exit code $rc" | tee -a "$out/compare-$1.txt"
}

log "(a) single node: import $size images and their captions"
start_single import
import_gallery "$single" single
log "(a) cluster of 3 silos: import the same"
SGRAF_SILOS=3 bash scripts/run-cluster.sh start >&2
wait_settled 3 >/dev/null
import_gallery "$cluster" cluster
log "(a) compare-answers, $queries queries per direction, mode auto"
compare 3-silos 1
redis_mb=$(REDISCLI_AUTH="$SGRAF_REDIS_PASSWORD" redis-cli -p "$SGRAF_REDIS_PORT" info memory | awk -F: '/^used_memory:/ {printf "%.0f", $2 / 1048576}')
aof_mb=$(du -sm "$SGRAF_CLUSTER_DIR/redis" | cut -f1)
silo_disk_mb=$(du -smc "$SGRAF_CLUSTER_DIR"/silo-*/ | tail -1 | cut -f1)
bash scripts/run-cluster.sh stop >&2
stop_single
single_disk_mb=$(du -sm "$work/single" | cut -f1)

log "(b) single node, restarted: QPS"
start_single bench
bench "$single" "single node" single
single_rss=$(rss_mb "$service")
stop_single
# A fresh start per size (not silos added to a running one), so that nginx balances over every silo of it.
for silos in 1 2 3; do
  SGRAF_SILOS=$silos bash scripts/run-cluster.sh start >&2
  wait_settled "$silos" >/dev/null
  log "(b) cluster of $silos silo(s): QPS"
  bench "$cluster" "$silos silo(s)" "$silos-silos"
  rss=()
  for n in $(seq "$silos"); do rss+=("$(rss_mb "$(silo_pid "$n")")"); done
  echo "${rss[*]}" >"$out/rss-$silos-silos.txt"
  if [ "$silos" != 3 ]; then bash scripts/run-cluster.sh stop >&2; fi
done

log "(c) kill -9 silo 2 during adds and searches"
python3 scripts/lib/cluster_failover.py --url "$cluster" --api-key "$key" --captions "$shapes/test_caps.txt" --img-dim "$img_dim" \
  --kill "bash scripts/run-cluster.sh kill-silo 2" --json "$out/failover.json" | tee "$out/failover.txt" || echo "failover: an add answered 200 is missing" | tee -a "$out/failover.txt"

log "(d) silo 2 back, then a 4th silo"
bash scripts/run-cluster.sh start-silo 2 >&2
before=$(wait_settled 3)
bash scripts/run-cluster.sh start-silo 4 >&2
after=$(wait_settled 4)
moved=$(python3 -c "
import sys
b=dict(p.split('=') for p in sys.argv[1].split(',')); a=dict(p.split('=') for p in sys.argv[2].split(','))
print(sum(1 for s in b if a.get(s) != b[s]), len(b))" "$before" "$after")
printf 'before: %s\nafter:  %s\nmoved:  %s\n' "$before" "$after" "$moved" | tee "$out/rebalance.txt"
start_single compare-4
compare 4-silos 2
stop_single

# The table.
python3 - "$out" "$size" "$seconds" "$moved" "$single_rss" "$redis_mb" "$aof_mb" "$silo_disk_mb" "$single_disk_mb" <<'PY' | tee "$out/summary.md"
import json, os, sys
out, size, seconds, moved, single_rss, redis_mb, aof_mb, silo_disk, single_disk = sys.argv[1:]
def run(name, clients):
    r = next(r for r in json.load(open(f"{out}/qps-{name}.json"))["runs"] if r["clients"] == clients)
    return r["requestsPerSecond"], r["latencyMs"]["p50"], r["latencyMs"]["p99"], r["errors"]
def compare(name):
    c = json.load(open(f"{out}/compare-{name}.json"))
    return "; ".join(f"{o['direction']} {o['equal']}/{o['queries']} equal (largest score difference {o['maxScoreDifference']:.2g})" for o in c["outcomes"])
print(f"Sharded cluster: {size} shapes images (+{5 * int(size)} captions), {os.cpu_count()} logical CPUs, {seconds} s per measurement")
print()
print("| service | clients | QPS | p50 ms | p99 ms | errors | RSS MB (per process) |")
print("| --- | ---: | ---: | ---: | ---: | ---: | --- |")
for name, label in [("single", "single node"), ("1-silos", "cluster, 1 silo"), ("2-silos", "cluster, 2 silos"), ("3-silos", "cluster, 3 silos")]:
    rss = single_rss if name == "single" else open(f"{out}/rss-{name}.txt").read().strip().replace(" ", " + ")
    for clients in (1, 4):
        qps, p50, p99, errors = run(name, clients)
        print(f"| {label} | {clients} | {qps:.1f} | {p50:.1f} | {p99:.1f} | {errors} | {rss if clients == 1 else ''} |")
print()
print(f"(a) 3 silos vs single node: {compare('3-silos')}")
f = json.load(open(f"{out}/failover.json"))
recovery = "never" if f["recoverySeconds"] is None else f"{f['recoverySeconds']:.1f}"
print(f"(c) kill -9 of silo 2: searches answered 200 again after {recovery} s "
      f"(statuses after the kill {f['searchStatusesAfterKill']}, longest search {f['longestSearchAfterKillSeconds']:.1f} s); "
      f"with allowPartial {f['partialStatusesAfterKill']}, {f['partialAnswers']} partial; "
      f"adds {f['addStatuses']}: {f['addsOk']} answered 200, {len(f['addsOkMissing'])} of them missing afterwards, "
      f"{f['addsRefusedButStored']} refused but stored")
m, n = moved.split()
print(f"(d) a 4th silo joined: {m} of {n} shards moved; 4 silos vs single node: {compare('4-silos')}")
print(f"storage: Redis used_memory {redis_mb} MB, AOF folder {aof_mb} MB, silos' local copies {silo_disk} MB in all; single node's data folder {single_disk} MB")
PY
echo "Results: $out" >&2
