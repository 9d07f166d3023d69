#!/usr/bin/env bash
# Installs what the project needs outside .NET, from Debian's packages: redis-server (the shared gallery) and nginx
# (the load balancer) for the multi-replica topology, openssl for its certificates (nginx's too) and Redis password
# (scripts/make-cluster-certs.sh), chromium for the search page's browser tests, python3-skimage
# for the picture tests (scikit-image's sample photos, free licences, and python3-pil, which makes CMYK JPEGs).
# Usage: install-deps.sh [redis-server] [nginx] [openssl] [chromium] [python3-skimage]   (no arguments: all five)
# Idempotent: installs only what is missing, and says what it did. Used by scripts/run-topology.sh and by the tests
# that start a real redis-server or browser, so a fresh machine with only the .NET SDK (and root with apt access,
# as CI has) can run them.
set -euo pipefail

# Tests run side by side may call this at once; apt-get would fail on the other's lock, so callers take turns.
exec 9>"${TMPDIR:-/tmp}/sgraf-install-deps.lock"
flock 9

wanted=("$@")
[ ${#wanted[@]} -eq 0 ] && wanted=(redis-server nginx openssl chromium python3-skimage)

installed() {
  case "$1" in
    # nginx lives in /usr/sbin, which a non-login root shell may not have on PATH.
    nginx) command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] ;;
    # The browser tests drive Debian's build at this path (Playwright downloads no browser).
    chromium) [ -x /usr/bin/chromium ] ;;
    redis-server) command -v redis-server >/dev/null 2>&1 ;;
    openssl) command -v openssl >/dev/null 2>&1 ;;
    # The sample photos the picture tests read, and Debian's python3 with PIL (python3-skimage depends on it).
    python3-skimage) [ -f /usr/lib/python3/dist-packages/skimage/data/chelsea.png ] && /usr/bin/python3 -c 'import PIL' 2>/dev/null ;;
    *) echo "install-deps: unknown package '$1' (known: redis-server, nginx, openssl, chromium, python3-skimage)" >&2; exit 2 ;;
  esac
}

missing=()
for package in "${wanted[@]}"; do installed "$package" || missing+=("$package"); done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: ${wanted[*]} already installed"
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
