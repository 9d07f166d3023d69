#!/bin/bash
# Exits 0 when http://127.0.0.1:PORT/PATH answers 200, else 1:
#   http-probe.sh 8080 /health/ready
# The containers' health check (neither the ASP.NET nor the nginx image has curl or wget) and the topology script's
# readiness wait. Plain bash: /dev/tcp and one HTTP/1.0 request, whose connection the server closes after answering.
set -u
port="$1"
path="$2"
{ exec 3<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null || exit 1
printf 'GET %s HTTP/1.0\r\nHost: localhost\r\n\r\n' "$path" >&3
IFS= read -r -t 5 status <&3 || exit 1
case "$status" in
  "HTTP/1."?" 200 "*) exit 0 ;;
  *) exit 1 ;;
esac
