#!/usr/bin/env bash
# Installs what the multi-replica topology needs outside Docker: redis-server (the shared gallery) and nginx
# (the load balancer), from Debian's packages. Idempotent: installs only what is missing, and says what it did.
# Used by scripts/run-topology.sh and by the tests that start a real redis-server, so a fresh machine with only
# the .NET SDK (and root with apt access, as CI has) can run them.
set -euo pipefail

# Tests run side by side may call this at once; apt-get would fail on the other's lock, so callers take turns.
exec 9>"${TMPDIR:-/tmp}/sgraf-install-deps.lock"
flock 9

missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
# nginx lives in /usr/sbin, which a non-login root shell may not have on PATH.
{ command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; } || missing+=(nginx)

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: redis-server and nginx already installed"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing ${missing[*]}; run this script as root (or: sudo apt-get install ${missing[*]})" >&2
  exit 1
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# apt's chatter goes to a log, shown only if something fails.
apt_log="$(mktemp)"
policy=/usr/sbin/policy-rc.d
created_policy=false
trap '[ "$created_policy" = true ] && rm -f "$policy"; rm -f "$apt_log"' EXIT
quietly() { "$@" >>"$apt_log" 2>&1 || { cat "$apt_log" >&2; echo "install-deps: failed: $*" >&2; exit 1; }; }
quietly apt-get update
# The packages' own services are not wanted (we start redis-server and nginx ourselves, on loopback ports), and
# there may be no init system: policy-rc.d 101 tells the maintainer scripts not to start them.
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy"
  chmod +x "$policy"
  created_policy=true
fi
quietly apt-get install -y --no-install-recommends "${missing[@]}"
echo "install-deps: installed ${missing[*]}"
