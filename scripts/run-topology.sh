#!/usr/bin/env bash
# The compose topology as plain processes on 127.0.0.1, for a laptop or CI without Docker: redis-server (the shared
# gallery), two API replicas and nginx in front, with the same deploy/nginx.conf as docker-compose.yml.
#
#   scripts/run-topology.sh                  start, print the URLs, stop everything on Ctrl-C
#   scripts/run-topology.sh start            start in the background and return once ready through nginx
#   scripts/run-topology.sh stop             stop what `start` started
#   scripts/run-topology.sh kill-replica N   kill -9 replica N (1 or 2), as a crash
#   scripts/run-topology.sh start-replica N  start replica N again and wait until it is ready
#
# Settings (environment):
#   SGRAF_TOPOLOGY_DIR   state, logs and data (default /tmp/sgraf-topology); it is made world-readable, since
#                        nginx's workers run as nobody when started by root
#   SGRAF_BALANCER_PORT  nginx (default 18080)        SGRAF_REPLICA_PORTS  the two replicas (default "18081 18082")
#   SGRAF_REDIS_PORT     redis-server (default 16379) SGRAF_API_KEY        key for adds and deletes (default topology-api-key)
#   SGRAF_API_DLL        the built service (default: src/Sgraf.Api/bin/{Release,Debug}/net10.0/Sgraf.Api.dll, built if absent)
#   SGRAF_READY_TIMEOUT  seconds to wait for readiness (default 180)
# Missing redis-server or nginx are installed by scripts/install-deps.sh (as root, with apt).
set -Eeuo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
dir="${SGRAF_TOPOLOGY_DIR:-/tmp/sgraf-topology}"
balancer_port="${SGRAF_BALANCER_PORT:-18080}"
read -r -a replica_ports <<<"${SGRAF_REPLICA_PORTS:-18081 18082}"
redis_port="${SGRAF_REDIS_PORT:-16379}"
api_key="${SGRAF_API_KEY:-topology-api-key}"
ready_timeout="${SGRAF_READY_TIMEOUT:-180}"
probe="$repo/deploy/http-probe.sh"

log() { echo "run-topology: $*" >&2; }

api_dll() {
  if [ -n "${SGRAF_API_DLL:-}" ]; then echo "$SGRAF_API_DLL"; return; fi
  for configuration in Release Debug; do
    local dll="$repo/src/Sgraf.Api/bin/$configuration/net10.0/Sgraf.Api.dll"
    if [ -f "$dll" ]; then echo "$dll"; return; fi
  done
  log "building src/Sgraf.Api (Release)"
  dotnet build "$repo/src/Sgraf.Api" -c Release -v q -nologo >&2
  echo "$repo/src/Sgraf.Api/bin/Release/net10.0/Sgraf.Api.dll"
}

nginx_binary() { command -v nginx 2>/dev/null || echo /usr/sbin/nginx; }

# Waits until http://127.0.0.1:PORT/PATH answers 200, or fails naming the log to read.
wait_ready() {
  local port="$1" path="$2" what="$3" log_file="$4" deadline=$((SECONDS + ready_timeout))
  until bash "$probe" "$port" "$path"; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      log "$what did not answer 200 on $path within ${ready_timeout}s; last lines of $log_file:"
      tail -n 20 "$log_file" >&2 || true
      return 1
    fi
    sleep 0.2
  done
}

# Starts a process detached from this script (its output in a log, no inherited pipes) and records its pid.
spawn() {
  local name="$1"; shift
  "$@" </dev/null >"$dir/$name.log" 2>&1 &
  echo $! >"$dir/$name.pid"
}

start_redis() {
  mkdir -p "$dir/redis"
  spawn redis redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$dir/redis" \
    --appendonly yes --appendfsync always --save ""
}

start_replica() {
  local n="$1" port="${replica_ports[$(($1 - 1))]}" dll
  dll="$(api_dll)"
  mkdir -p "$dir/replica-$n"
  # From the service's own folder, so its appsettings.json applies as in a deployment; --urls says where it listens.
  (
    cd "$(dirname "$dll")"
    export Sgraf__Store=Redis \
      Sgraf__Redis__Configuration="127.0.0.1:$redis_port" \
      Sgraf__InstanceName="replica-$n" \
      Sgraf__ApiKeys__0="$api_key" \
      Sgraf__BundleDirectory="$repo/models/shapes-bundle" \
      Sgraf__DataDirectory="$dir/replica-$n" \
      Sgraf__DemoGallery__Enabled=false
    spawn "replica-$n" dotnet "$dll" --urls "http://127.0.0.1:$port"
  )
}

start_nginx() {
  mkdir -p "$dir/nginx"
  local servers=()
  for port in "${replica_ports[@]}"; do servers+=("127.0.0.1:$port"); done
  sh "$repo/deploy/render-nginx-conf.sh" --listen "127.0.0.1:$balancer_port" --state-dir "$dir/nginx" "${servers[@]}" \
    >"$dir/nginx/nginx.conf"
  "$(nginx_binary)" -t -q -p "$dir/nginx" -c "$dir/nginx/nginx.conf"
  spawn nginx "$(nginx_binary)" -p "$dir/nginx" -c "$dir/nginx/nginx.conf" -g "daemon off;"
}

kill_process() {
  local name="$1" signal="$2" pid
  [ -f "$dir/$name.pid" ] || return 0
  pid="$(cat "$dir/$name.pid")"
  kill "-$signal" "$pid" 2>/dev/null || true
  # Wait for it to be gone, so its port is free for a restart.
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  rm -f "$dir/$name.pid"
}

start() {
  bash "$repo/scripts/install-deps.sh" redis-server nginx >&2
  mkdir -p "$dir"
  chmod 755 "$dir"
  trap 'log "start failed; stopping what was started"; stop' ERR
  start_redis
  wait_ready_redis
  start_replica 1
  start_replica 2
  wait_ready "${replica_ports[0]}" /health/ready replica-1 "$dir/replica-1.log"
  wait_ready "${replica_ports[1]}" /health/ready replica-2 "$dir/replica-2.log"
  start_nginx
  wait_ready "$balancer_port" /health/ready nginx "$dir/nginx.log"
  trap - ERR
  cat <<INFO
Sgraf topology is up (state and logs in $dir):
  balancer   http://127.0.0.1:$balancer_port   (nginx; search, add and read here)
  replica-1  http://127.0.0.1:${replica_ports[0]}
  replica-2  http://127.0.0.1:${replica_ports[1]}
  redis      127.0.0.1:$redis_port (append-only file in $dir/redis)
  API key    $api_key   (header X-Api-Key, for adds and deletes)
INFO
}

wait_ready_redis() {
  local deadline=$((SECONDS + 30))
  until [ "$(redis-cli -p "$redis_port" ping 2>/dev/null)" = PONG ]; do
    if [ "$SECONDS" -ge "$deadline" ]; then log "redis-server did not start; see $dir/redis.log"; return 1; fi
    sleep 0.1
  done
}

stop() {
  kill_process nginx TERM
  kill_process replica-1 TERM
  kill_process replica-2 TERM
  kill_process redis TERM
}

case "${1:-run}" in
  run)
    start
    trap stop EXIT
    trap 'exit 0' INT TERM
    log "press Ctrl-C to stop"
    while true; do sleep 3600; done
    ;;
  start) start ;;
  stop) stop ;;
  kill-replica) kill_process "replica-${2:?replica number}" KILL ;;
  start-replica)
    n="${2:?replica number}"
    start_replica "$n"
    wait_ready "${replica_ports[$((n - 1))]}" /health/ready "replica-$n" "$dir/replica-$n.log"
    ;;
  *) sed -n '2,21p' "$0" >&2; exit 2 ;;
esac
