#!/usr/bin/env bash
# The sharded cluster (docker-compose.cluster.yml) as plain processes on 127.0.0.1, without Docker: redis-server
# (membership table and every shard's log, append-only and fsync'ed), N silos of the service and nginx in front.
#
#   scripts/run-cluster.sh               start, print the URLs, stop everything on Ctrl-C
#   scripts/run-cluster.sh start         start in the background and return once every shard is ready through nginx
#   scripts/run-cluster.sh stop          stop what `start` started (silos added later too)
#   scripts/run-cluster.sh kill-silo N   kill -9 silo N, as a crash
#   scripts/run-cluster.sh start-silo N  start silo N (again, or a new one past SGRAF_SILOS) and wait until it is ready
#
# Settings (environment):
#   SGRAF_CLUSTER_DIR    state, logs and data (default /tmp/sgraf-cluster)
#   SGRAF_SILOS          silos started by `start` (default 3)     SGRAF_SHARDS  shards of the gallery (default 12)
#   SGRAF_BALANCER_PORT  nginx (default 19080); silo N's API listens on 19080+N, its silo port on 11110+N
#   SGRAF_SILO_PORT      base of the silo ports (default 11110), so that a second cluster (scripts/bench-cluster.sh) can
#                        run beside this one
#   SGRAF_GATEWAY_PORT   base of gateway ports for Orleans clients of your own (silo N's: base+N); default none, as the
#                        service needs none. Clients must present a certificate from the cluster's CA.
#   SGRAF_GATEWAY_SILOS  with SGRAF_GATEWAY_PORT: which silos get a gateway (default all), e.g. "1"
#   SGRAF_CLUSTER_TLS    mutual TLS between silos (default true): a CA and per-silo certificates are made in
#                        $SGRAF_CLUSTER_DIR/certs by scripts/make-cluster-certs.sh (kept across restarts)
#   SGRAF_REDIS_PORT     redis-server (default 16380)             SGRAF_API_KEY key for adds and deletes (default cluster-api-key)
#   SGRAF_REDIS_PASSWORD Redis's password (default: a random one, kept in $SGRAF_CLUSTER_DIR/redis-password)
#   SGRAF_DEMO           silo 1 loads the demo gallery into an empty cluster (default false)
#   SGRAF_API_DLL        the built service (default: src/Sgraf.Api/bin/{Release,Debug}/net10.0/Sgraf.Api.dll, built if absent)
#   SGRAF_READY_TIMEOUT  seconds to wait for readiness (default 180)
# Missing redis-server or nginx are installed by scripts/install-deps.sh (as root, with apt).
set -Eeuo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
dir="${SGRAF_CLUSTER_DIR:-/tmp/sgraf-cluster}"
silos="${SGRAF_SILOS:-3}"
shards="${SGRAF_SHARDS:-12}"
balancer_port="${SGRAF_BALANCER_PORT:-19080}"
redis_port="${SGRAF_REDIS_PORT:-16380}"
silo_port="${SGRAF_SILO_PORT:-11110}"
gateway_port="${SGRAF_GATEWAY_PORT:-}"
tls="${SGRAF_CLUSTER_TLS:-true}"
api_key="${SGRAF_API_KEY:-cluster-api-key}"
demo="${SGRAF_DEMO:-false}"
ready_timeout="${SGRAF_READY_TIMEOUT:-180}"

log() { echo "run-cluster: $*" >&2; }
# shellcheck source=lib/processes.sh
source "$repo/scripts/lib/processes.sh"

silo_api_port() { echo $((balancer_port + $1)); }

# Silo N's gateway port, or 0 (none).
gateway_of() {
  if [ -n "$gateway_port" ] && { [ -z "${SGRAF_GATEWAY_SILOS:-}" ] || [[ " $SGRAF_GATEWAY_SILOS " == *" $1 "* ]]; }; then
    echo $((gateway_port + $1))
  else
    echo 0
  fi
}

start_silo() {
  local n="$1" dll
  dll="$(api_dll)"
  mkdir -p "$dir/silo-$n"
  if [ "$tls" = true ]; then bash "$repo/scripts/make-cluster-certs.sh" "$dir/certs" "silo-$n"; fi
  (
    cd "$(dirname "$dll")"
    export Sgraf__Store=Redis \
      Sgraf__Redis__Configuration="127.0.0.1:$redis_port" \
      Sgraf__Redis__Password="$(redis_password)" \
      Sgraf__Cluster__Enabled=true \
      Sgraf__Cluster__Shards="$shards" \
      Sgraf__Cluster__SiloPort=$((silo_port + n)) \
      Sgraf__Cluster__GatewayPort="$(gateway_of "$n")" \
      Sgraf__Cluster__Tls__Enabled="$tls" \
      Sgraf__Cluster__Tls__CertificateFile="$dir/certs/silo-$n.crt" \
      Sgraf__Cluster__Tls__KeyFile="$dir/certs/silo-$n.key" \
      Sgraf__Cluster__Tls__CaFile="$dir/certs/ca.crt" \
      Sgraf__Cluster__ClusterId="${SGRAF_CLUSTER_ID:-sgraf}" \
      Sgraf__InstanceName="silo-$n" \
      Sgraf__ApiKeys__0="$api_key" \
      Sgraf__BundleDirectory="$repo/models/shapes-bundle" \
      Sgraf__DataDirectory="$dir/silo-$n" \
      Sgraf__DemoGallery__Enabled="$([ "$n" = 1 ] && echo "$demo" || echo false)"
    spawn "silo-$n" dotnet "$dll" --urls "http://127.0.0.1:$(silo_api_port "$n")"
  )
}

silo_ports() { for n in $(seq 1 "$silos"); do silo_api_port "$n"; done; }

start() {
  start_redis_with_deps
  for n in $(seq 1 "$silos"); do start_silo "$n"; done
  for n in $(seq 1 "$silos"); do wait_ready "$(silo_api_port "$n")" /health/ready "silo-$n" "$dir/silo-$n.log"; done
  # Every silo answers the same 503 while a shard recovers: nginx hands it on rather than retrying and marking silos down.
  nginx_render_options=(--pass-503)
  # shellcheck disable=SC2046
  start_nginx_for "$balancer_port" $(silo_ports)
  wait_ready "$balancer_port" /health/ready nginx "$dir/nginx.log"
  trap - ERR
  echo "Sgraf cluster is up (state and logs in $dir): balancer http://127.0.0.1:$balancer_port (nginx), $silos silos on ports $(silo_ports | tr '\n' ' ')and $shards shards; redis 127.0.0.1:$redis_port (password in $dir/redis-password unless SGRAF_REDIS_PASSWORD was given); silo TLS $tls; API key $api_key"
}

stop() {
  kill_process nginx TERM
  for pidfile in "$dir"/silo-*.pid; do [ -e "$pidfile" ] && kill_process "$(basename "$pidfile" .pid)" TERM; done
  kill_process redis TERM
}

run_command silo "$@"
