#!/bin/sh
# Renders deploy/nginx.conf (the template beside this script) to stdout.
#   render-nginx-conf.sh --listen ADDRESS --state-dir DIR [--resolver DNS_IP] [--pass-503]
#                        [--tls-certificate FILE --tls-key FILE --https-listen ADDRESS [--https-port PORT]] REPLICA...
# --listen     what nginx listens on: a port (8080) or address:port (127.0.0.1:18080); with TLS, plain HTTP that
#              redirects to HTTPS (and answers /health/ready, for container health checks)
# --state-dir  where nginx keeps its pid file and request-body temp files (must exist)
# --resolver   re-resolve replica names through this DNS server (Docker's is 127.0.0.11), so replicas added with
#              `docker compose up --scale` or restarted with a new address are followed; needs nginx >= 1.27.3
# --pass-503   hand a replica's 503 to the client instead of retrying it on another replica: for a sharded cluster
#              (docker-compose.cluster.yml, scripts/run-cluster.sh), where every silo answers the same 503 while a shard
#              recovers. A retried 503 counts as a failed attempt (max_fails), so nginx would mark every silo down for
#              fail_timeout and answer 502 "no live upstreams" even after the shard is back, and allowPartial searches
#              would get those 502s too.
# --tls-certificate, --tls-key  serve HTTPS with this certificate (PEM, the chain after the server's own) and key
# --https-listen  where HTTPS is served: a port (8443) or address:port
# --https-port    the HTTPS port clients reach (what the redirect names; default: the port of --https-listen); 443 is
#                 left out of the redirect's URL
# REPLICA      host:port of an API replica, one `server` line each; a DNS name stands for every address it has
# POSIX sh and awk only: it runs in the nginx image as well as on Debian.
set -eu

listen=""
state_dir=""
resolver=""
pass_503=""
certificate=""
key=""
https_listen=""
https_port=""
while [ $# -gt 0 ]; do
  case "$1" in
    --listen) listen="$2"; shift 2 ;;
    --state-dir) state_dir="$2"; shift 2 ;;
    --resolver) resolver="$2"; shift 2 ;;
    --pass-503) pass_503=1; shift ;;
    --tls-certificate) certificate="$2"; shift 2 ;;
    --tls-key) key="$2"; shift 2 ;;
    --https-listen) https_listen="$2"; shift 2 ;;
    --https-port) https_port="$2"; shift 2 ;;
    --*) echo "render-nginx-conf: unknown option $1" >&2; exit 2 ;;
    *) break ;;
  esac
done
if [ -z "$listen" ] || [ -z "$state_dir" ] || [ $# -eq 0 ]; then
  echo "usage: render-nginx-conf.sh --listen ADDRESS --state-dir DIR [--resolver DNS_IP] [--pass-503]" \
       "[--tls-certificate FILE --tls-key FILE --https-listen ADDRESS [--https-port PORT]] REPLICA..." >&2
  exit 2
fi
tls=""
if [ -n "$certificate$key$https_listen" ]; then
  if [ -z "$certificate" ] || [ -z "$key" ] || [ -z "$https_listen" ]; then
    echo "render-nginx-conf: TLS needs --tls-certificate, --tls-key and --https-listen together" >&2
    exit 2
  fi
  for file in "$certificate" "$key"; do
    [ -r "$file" ] || { echo "render-nginx-conf: cannot read $file (see docs/deployment.md, \"TLS\")" >&2; exit 2; }
  done
  tls=1
  [ -n "$https_port" ] || https_port="${https_listen##*:}"
fi
port_suffix=""
[ "$https_port" = 443 ] || port_suffix=":$https_port"

awk -v listen="$listen" -v state_dir="$state_dir" -v resolver="$resolver" -v pass_503="$pass_503" -v replicas="$*" \
    -v tls="$tls" -v certificate="$certificate" -v key="$key" -v https_listen="$https_listen" -v port_suffix="$port_suffix" '
  /^#TLS#/ { if (tls == "") next; sub(/^#TLS#/, "") }
  /^#HTTP#/ { if (tls != "") next; sub(/^#HTTP#/, "") }
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
  {
    gsub(/@LISTEN@/, listen); gsub(/@STATE_DIR@/, state_dir); gsub(/@HTTPS_LISTEN@/, https_listen)
    gsub(/@TLS_CERTIFICATE@/, certificate); gsub(/@TLS_KEY@/, key); gsub(/@HTTPS_PORT_SUFFIX@/, port_suffix)
    print
  }
' "$(dirname "$0")/nginx.conf"
