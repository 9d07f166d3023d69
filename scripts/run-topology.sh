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
#   SGRAF_REDIS_PASSWORD Redis's password (default: a random one, kept in $SGRAF_TOPOLOGY_DIR/redis-password)
#   SGRAF_API_DLL        the built service (default: src/Sgraf.Api/bin/{Release,Debug}/net10.0/Sgraf.Api.dll, built if absent)
#   SGRAF_READY_TIMEOUT  seconds to wait for readiness (default 180)
#   SGRAF_TLS_CERTIFICATE, SGRAF_TLS_KEY, SGRAF_HTTPS_PORT   nginx serves HTTPS on that port with this certificate and
#                        key (PEM), and SGRAF_BALANCER_PORT redirects to it (docs/deployment.md, "TLS")
# Missing redis-server or nginx are installed by scripts/install-deps.sh (as root, with apt).
set -Eeuo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
dir="${SGRAF_TOPOLOGY_DIR:-/tmp/sgraf-topology}"
balancer_port="${SGRAF_BALANCER_PORT:-18080}"
read -r -a replica_ports <<<"${SGRAF_REPLICA_PORTS:-18081 18082}"
redis_port="${SGRAF_REDIS_PORT:-16379}"
api_key="${SGRAF_API_KEY:-topology-api-key}"
ready_timeout="${SGRAF_READY_TIMEOUT:-180}"

log() { echo "run-topology: $*" >&2; }
# shellcheck source=lib/processes.sh
source "$repo/scripts/lib/processes.sh"

replica_api_port() { echo "${replica_ports[$(($1 - 1))]}"; }

start_replica() {
  local n="$1" port dll
  port="$(replica_api_port "$n")"
  dll="$(api_dll)"
  mkdir -p "$dir/replica-$n"
  # From the service's own folder, so its appsettings.json applies as in a deployment; --urls says where it listens.
  (
    cd "$(dirname "$dll")"
    export Sgraf__Store=Redis \
      Sgraf__Redis__Configuration="127.0.0.1:$redis_port" \
      Sgraf__Redis__Password="$(redis_password)" \
      Sgraf__InstanceName="replica-$n" \
      Sgraf__ApiKeys__0="$api_key" \
      Sgraf__BundleDirectory="$repo/models/shapes-bundle" \
      Sgraf__DataDirectory="$dir/replica-$n" \
      Sgraf__DemoGallery__Enabled=false
    spawn "replica-$n" dotnet "$dll" --urls "http://127.0.0.1:$port"
  )
}

start_nginx() { start_nginx_for "$balancer_port" "${replica_ports[@]}"; }

start() {
  start_redis_with_deps
  start_replica 1
  start_replica 2
  wait_ready "${replica_ports[0]}" /health/ready replica-1 "$dir/replica-1.log"
  wait_ready "${replica_ports[1]}" /health/ready replica-2 "$dir/replica-2.log"
  start_nginx
  wait_ready "$balancer_port" /health/ready nginx "$dir/nginx.log"
  trap - ERR
  local balancer="http://127.0.0.1:$balancer_port"
  [ -z "${SGRAF_TLS_CERTIFICATE:-}" ] || balancer="https://127.0.0.1:$SGRAF_HTTPS_PORT (TLS; $balancer redirects to it)"
  cat <<INFO
Sgraf topology is up (state and logs in $dir):
  balancer   $balancer   (nginx; search, add and read here)
  replica-1  http://127.0.0.1:${replica_ports[0]}
  replica-2  http://127.0.0.1:${replica_ports[1]}
  redis      127.0.0.1:$redis_port (append-only file in $dir/redis; password in $dir/redis-password unless SGRAF_REDIS_PASSWORD was given)
  API key    $api_key   (header X-Api-Key, for adds and deletes)
INFO
}

stop() {
  kill_process nginx TERM
  kill_process replica-1 TERM
  kill_process replica-2 TERM
  kill_process redis TERM
}

run_command replica "$@"
