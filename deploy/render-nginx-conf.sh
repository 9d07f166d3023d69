#!/bin/sh
# Renders deploy/nginx.conf (the template beside this script) to stdout.
#   render-nginx-conf.sh --listen ADDRESS --state-dir DIR [--resolver DNS_IP] [--pass-503] REPLICA...
# --listen     what nginx listens on: a port (8080) or address:port (127.0.0.1:18080)
# --state-dir  where nginx keeps its pid file and request-body temp files (must exist)
# --resolver   re-resolve replica names through this DNS server (Docker's is 127.0.0.11), so replicas added with
#              `docker compose up --scale` or restarted with a new address are followed; needs nginx >= 1.27.3
# --pass-503   hand a replica's 503 to the client instead of retrying it on another replica: for a sharded cluster
#              (docker-compose.cluster.yml, scripts/run-cluster.sh), where every silo answers the same 503 while a shard
#              recovers. A retried 503 counts as a failed attempt (max_fails), so nginx would mark every silo down for
#              fail_timeout and answer 502 "no live upstreams" even after the shard is back, and allowPartial searches
#              would get those 502s too.
# REPLICA      host:port of an API replica, one `server` line each; a DNS name stands for every address it has
# POSIX sh and awk only: it runs in the nginx image as well as on Debian.
set -eu

listen=""
state_dir=""
resolver=""
pass_503=""
while [ $# -gt 0 ]; do
  case "$1" in
    --listen) listen="$2"; shift 2 ;;
    --state-dir) state_dir="$2"; shift 2 ;;
    --resolver) resolver="$2"; shift 2 ;;
    --pass-503) pass_503=1; shift ;;
    --*) echo "render-nginx-conf: unknown option $1" >&2; exit 2 ;;
    *) break ;;
  esac
done
if [ -z "$listen" ] || [ -z "$state_dir" ] || [ $# -eq 0 ]; then
  echo "usage: render-nginx-conf.sh --listen ADDRESS --state-dir DIR [--resolver DNS_IP] [--pass-503] REPLICA..." >&2
  exit 2
fi

awk -v listen="$listen" -v state_dir="$state_dir" -v resolver="$resolver" -v pass_503="$pass_503" -v replicas="$*" '
  /proxy_next_upstream / && pass_503 != "" { gsub(/ http_503/, "") }
  /@RESOLVER@/ {
    if (resolver != "") { line = $0; sub(/@RESOLVER@/, "resolver " resolver " valid=5s ipv6=off;", line); print line }
    next
  }
  /@API_SERVER@/ {
    n = split(replicas, address, " ")
    for (i = 1; i <= n; i++) {
      line = $0
      sub(/@API_SERVER@/, address[i] (resolver != "" ? " resolve" : ""), line)
      print line
    }
    next
  }
  { gsub(/@LISTEN@/, listen); gsub(/@STATE_DIR@/, state_dir); print }
' "$(dirname "$0")/nginx.conf"
