#!/usr/bin/env bash
# What run-topology.sh and run-cluster.sh share: finding the built service, starting processes detached with their
# logs and pids in $dir, waiting for readiness, redis-server with fsync'ed append-only files and a password, nginx,
# killing. The caller sets repo, dir, redis_port, ready_timeout and a log function before sourcing this file.

probe="$repo/deploy/http-probe.sh"

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

# Redis's password: SGRAF_REDIS_PASSWORD, else one made at the first start and kept in $dir/redis-password (mode 600),
# so that later commands (start-silo, start-replica) and redis-cli use the same one.
redis_password() {
  if [ -n "${SGRAF_REDIS_PASSWORD:-}" ]; then echo "$SGRAF_REDIS_PASSWORD"; return; fi
  if [ ! -s "$dir/redis-password" ]; then
    mkdir -p "$dir"
    (umask 077; openssl rand -hex 24 >"$dir/redis-password")
  fi
  cat "$dir/redis-password"
}

# redis-cli against this topology's Redis, authenticated (REDISCLI_AUTH keeps the password off the command line).
redis_cli() { REDISCLI_AUTH="$(redis_password)" redis-cli -p "$redis_port" "$@"; }

start_redis() {
  mkdir -p "$dir/redis"
  # The password goes in a config file (mode 600) rather than on the command line, where ps shows it.
  (umask 077; printf 'requirepass "%s"\n' "$(redis_password)" >"$dir/redis-auth.conf")
  spawn redis redis-server "$dir/redis-auth.conf" --port "$redis_port" --bind 127.0.0.1 --dir "$dir/redis" \
    --appendonly yes --appendfsync always --save ""
}

# How both topologies start: redis-server and nginx installed if missing, the state folder world-readable (nginx's
# workers run as nobody when started by root), stop on any failure from here on (the caller clears the ERR trap once
# up), then redis-server ready.
start_redis_with_deps() {
  bash "$repo/scripts/install-deps.sh" redis-server nginx openssl >&2
  mkdir -p "$dir"
  chmod 755 "$dir"
  trap 'log "start failed; stopping what was started"; stop' ERR
  start_redis
  wait_ready_redis
}

kill_process() {
  local name="$1" signal="$2" pid
  [ -f "$dir/$name.pid" ] || return 0
  pid="$(cat "$dir/$name.pid")"
  kill "-$signal" "$pid" 2>/dev/null || true
  # Wait for it to be gone, so its port is free for a restart; one that ignores TERM for 15 s is killed.
  for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then
    log "$name (pid $pid) did not stop within 15 s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -f "$dir/$name.pid"
}

wait_ready_redis() {
  local deadline=$((SECONDS + 30))
  until [ "$(redis_cli ping 2>/dev/null)" = PONG ]; do
    if [ "$SECONDS" -ge "$deadline" ]; then log "redis-server did not start; see $dir/redis.log"; return 1; fi
    sleep 0.1
  done
}

# Renders deploy/nginx.conf's template for the given upstream ports and starts nginx on $1. With SGRAF_TLS_CERTIFICATE
# and SGRAF_TLS_KEY (PEM files) it serves HTTPS on SGRAF_HTTPS_PORT, and $1 redirects to it (docs/deployment.md, "TLS").
start_nginx_for() {
  local listen_port="$1"; shift
  mkdir -p "$dir/nginx"
  local servers=() tls=()
  for port in "$@"; do servers+=("127.0.0.1:$port"); done
  if [ -n "${SGRAF_TLS_CERTIFICATE:-}" ]; then
    tls=(--tls-certificate "$SGRAF_TLS_CERTIFICATE" --tls-key "${SGRAF_TLS_KEY:?SGRAF_TLS_KEY must go with SGRAF_TLS_CERTIFICATE}"
      --https-listen "127.0.0.1:${SGRAF_HTTPS_PORT:?SGRAF_HTTPS_PORT must go with SGRAF_TLS_CERTIFICATE}")
  fi
  # nginx_render_options: more options of render-nginx-conf.sh the caller may set (run-cluster.sh: --pass-503).
  sh "$repo/deploy/render-nginx-conf.sh" --listen "127.0.0.1:$listen_port" --state-dir "$dir/nginx" \
    ${nginx_render_options[@]+"${nginx_render_options[@]}"} ${tls[@]+"${tls[@]}"} "${servers[@]}" \
    >"$dir/nginx/nginx.conf"
  "$(nginx_binary)" -t -q -p "$dir/nginx" -c "$dir/nginx/nginx.conf"
  spawn nginx "$(nginx_binary)" -p "$dir/nginx" -c "$dir/nginx/nginx.conf" -g "daemon off;"
}

# The commands both scripts take, for a topology of numbered UNITs (silo or replica): run (start, then stop everything
# on Ctrl-C), start, stop, kill-UNIT N (kill -9, as a crash) and start-UNIT N (start it and wait until it is ready).
# The caller defines start, stop, start_UNIT N and UNIT_api_port N.
run_command() {
  local unit="$1" command="${2:-run}" n
  case "$command" in
    run)
      start
      trap stop EXIT
      trap 'exit 0' INT TERM
      log "press Ctrl-C to stop"
      while true; do sleep 3600; done
      ;;
    start) start ;;
    stop) stop ;;
    "kill-$unit") kill_process "$unit-${3:?$unit number}" KILL ;;
    "start-$unit")
      n="${3:?$unit number}"
      "start_$unit" "$n"
      wait_ready "$("${unit}_api_port" "$n")" /health/ready "$unit-$n" "$dir/$unit-$n.log"
      ;;
    *) sed -n '2,/^set -/{/^set -/!p}' "$0" >&2; exit 2 ;;
  esac
}
