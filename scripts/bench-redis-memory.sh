#!/usr/bin/env bash
# Redis memory per image of the shared gallery, before and after the stream is trimmed to the snapshot:
#   SIZE=500 bash scripts/bench-redis-memory.sh
# Starts its own redis-server (AOF, fsync always) and one replica (Sgraf:Store=Redis) that loads SIZE demo images
# (5 captions each) while a held registration keeps the stream untrimmed — the stream then holds every append, as a
# Redis gallery did before trimming. It measures, appends every entry again (each item replaced once) and measures,
# releases the hold, waits for the trim, measures again, and once replaced snapshots have expired (two minutes), again;
# finally it starts a second replica on an empty data
# directory to show that it starts from the snapshot.
# Settings (environment):
#   SIZE              demo images (default 500)
#   SHAPES_DIR        the shapes split to load (default: data/shapes of this repository, generated if missing;
#                     more than 500 images need a larger split, e.g. one generated with `Sgraf:DemoGallery:Images`)
#   CHECKPOINT_BYTES  the replicas' Sgraf:Storage:CheckpointBytes (default 4 MiB; the stream keeps about this much
#                     beyond the snapshot per replica, so a small value shows the bound on a small gallery)
#   BENCH_DIR         state and logs (default: a new folder under /tmp)
#   REDIS_PORT, REPLICA_PORT  (defaults 16391, 18091)
set -Eeuo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
size="${SIZE:-500}"
checkpoint_bytes="${CHECKPOINT_BYTES:-4194304}"
dir="${BENCH_DIR:-$(mktemp -d /tmp/sgraf-redis-memory.XXXXXX)}"
redis_port="${REDIS_PORT:-16391}"
replica_port="${REPLICA_PORT:-18091}"
prefix=sgraf
pids=()

ready_timeout=180
log() { echo "bench-redis-memory: $*" >&2; }
# shellcheck source=lib/processes.sh
source "$repo/scripts/lib/processes.sh"
cli() { redis_cli "$@"; }
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

dll="$repo/src/Sgraf.Api/bin/Release/net10.0/Sgraf.Api.dll"
[ -f "$dll" ] || dll="$repo/src/Sgraf.Api/bin/Debug/net10.0/Sgraf.Api.dll"
if [ ! -f "$dll" ]; then
  dotnet build "$repo/src/Sgraf.Api" -c Release -v q -nologo >&2
  dll="$repo/src/Sgraf.Api/bin/Release/net10.0/Sgraf.Api.dll"
fi

# redis-server as the topologies start it: append-only, fsync'ed, with a password (SGRAF_REDIS_PASSWORD or a random one).
bash "$repo/scripts/install-deps.sh" redis-server openssl >&2
start_redis
pids+=("$(cat "$dir/redis.pid")")
wait_ready_redis

start_replica() { # name port demo
  mkdir -p "$dir/$1"
  (
    cd "$(dirname "$dll")"
    export Sgraf__Store=Redis Sgraf__Redis__Configuration="127.0.0.1:$redis_port" Sgraf__Redis__Password="$(redis_password)" \
      Sgraf__Redis__ReplicaTtlSeconds=6 \
      Sgraf__BundleDirectory="$repo/models/shapes-bundle" Sgraf__DataDirectory="$dir/$1" \
      Sgraf__Storage__CheckpointBytes="$checkpoint_bytes" Sgraf__DemoGallery__Enabled="$3" Sgraf__DemoGallery__Images="$size"
    [ -n "${SHAPES_DIR:-}" ] && export Sgraf__DemoGallery__ShapesDirectory="$SHAPES_DIR"
    exec dotnet "$dll" --urls "http://127.0.0.1:$2" </dev/null >"$dir/$1.log" 2>&1
  ) &
  pids+=($!)
  local started=$SECONDS
  until bash "$repo/deploy/http-probe.sh" "$2" /health/ready; do
    if ! kill -0 "${pids[-1]}" 2>/dev/null; then log "replica $1 exited; see $dir/$1.log"; tail -n 20 "$dir/$1.log" >&2; exit 1; fi
    sleep 0.2
  done
  log "replica $1 ready after $((SECONDS - started)) s"
}

measure() { # label
  local stream snapshot_key snapshot used entries
  sleep 3 # a poll or two, so the replica has checkpointed, snapshotted and trimmed what it will
  stream="$(cli memory usage "$prefix:gallery:log" samples 0)"
  snapshot_key="$(cli hget "$prefix:gallery:snapshot" key)"
  snapshot="$( [ -n "$snapshot_key" ] && cli memory usage "$snapshot_key" samples 0 || echo 0)"
  used="$(cli info memory | tr -d '\r' | sed -n 's/^used_memory://p')"
  entries="$(cli xlen "$prefix:gallery:log")"
  printf '%-28s used_memory %11d B (%7d B/image)  stream %11s B in %5d entries (%7d B/image)  snapshot %11s B at %s (%7d B/image)\n' \
    "$1" "$used" $((used / size)) "${stream:-0}" "$entries" $((${stream:-0} / size)) "${snapshot:-0}" \
    "$(cli hget "$prefix:gallery:snapshot" id)" $((${snapshot:-0} / size))
}

baseline="$(cli info memory | tr -d '\r' | sed -n 's/^used_memory://p')"
log "empty Redis: used_memory $baseline B"

# A live registration that needs the whole stream: nothing is trimmed while it lasts.
cli sadd "$prefix:gallery:replicas" hold >/dev/null
cli set "$prefix:gallery:replica:hold" 0-0 EX 3600 >/dev/null
start_replica first "$replica_port" true
measure "untrimmed ($size images)"

# Churn: every append again (each item replaced once, as re-imports do); before trimming, the stream held both copies.
replayed="$(cli eval "local n = 0
  for _, e in ipairs(redis.call('XRANGE', KEYS[1], '-', '+')) do redis.call('XADD', KEYS[1], '*', e[2][1], e[2][2]); n = n + 1 end
  return n" 1 "$prefix:gallery:log")"
log "appended the $replayed entries again"
measure "untrimmed, all replaced once"

untrimmed_entries="$(cli xlen "$prefix:gallery:log")"
cli del "$prefix:gallery:replica:hold" >/dev/null
until [ "$(cli xlen "$prefix:gallery:log")" -lt "$untrimmed_entries" ]; do sleep 0.5; done
measure "trimmed to the snapshot"

# Replaced snapshots stay readable for two minutes (for a replica still reading one), then expire.
until [ "$(cli --scan --pattern "$prefix:gallery:snapshot:*" | wc -l)" -le 1 ]; do sleep 2; done
measure "replaced snapshots expired"

start_replica second $((replica_port + 1)) false
grep -o 'starting from [^;]*; read [0-9]* stream entries' "$dir/second.log" | head -1 >&2
log "state and logs in $dir"
