#!/usr/bin/env bash
# Lints the OpenAPI document the service serves with the tools people run on such documents: Redocly CLI 2.77.0
# (`redocly lint`, its recommended rules) and Spectral 6.16.3 (`spectral:oas`). Both must report zero errors.
# A script, not a test: the linters come from the npm registry (installed once into artifacts/openapi-tools/), and CI
# runs offline-first; run it after changing an endpoint's description. Needs node and npm.
# Usage: scripts/lint-openapi.sh            (exit 0: no errors; the linters' reports on stdout)
set -euo pipefail
cd "$(dirname "$0")/.."
tools=artifacts/openapi-tools
work=$(mktemp -d)
service=""
cleanup() { if [ -n "$service" ]; then kill "$service" 2>/dev/null || true; wait "$service" 2>/dev/null || true; fi; rm -rf "$work"; }
trap cleanup EXIT

if [ ! -x "$tools/node_modules/.bin/redocly" ] || [ ! -x "$tools/node_modules/.bin/spectral" ]; then
  echo "lint-openapi: installing @redocly/cli@2.77.0 and @stoplight/spectral-cli@6.16.3 into $tools (npm)" >&2
  mkdir -p "$tools"
  npm install --no-audit --no-fund --prefix "$tools" @redocly/cli@2.77.0 @stoplight/spectral-cli@6.16.3 >&2
fi

dotnet build src/Sgraf.Api -c Release -v quiet -nologo >&2
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
ASPNETCORE_URLS="http://127.0.0.1:$port" Sgraf__Swagger=true Sgraf__DemoGallery__Enabled=false Sgraf__DataDirectory="$work/data" \
  dotnet src/Sgraf.Api/bin/Release/net10.0/Sgraf.Api.dll >"$work/service.log" 2>&1 &
service=$!
for _ in $(seq 1 300); do
  if curl -sf "http://127.0.0.1:$port/swagger/v1/swagger.json" -o "$work/openapi.json"; then break; fi
  kill -0 "$service" 2>/dev/null || { echo "lint-openapi: the service exited:" >&2; tail -n 20 "$work/service.log" >&2; exit 1; }
  sleep 0.2
done
[ -s "$work/openapi.json" ] || { echo "lint-openapi: no document at /swagger/v1/swagger.json" >&2; exit 1; }

printf 'extends: ["spectral:oas"]\n' >"$work/.spectral.yaml"
status=0
echo "== redocly lint"
"$tools/node_modules/.bin/redocly" lint "$work/openapi.json" --format stylish || status=1
echo "== spectral lint (spectral:oas)"
"$tools/node_modules/.bin/spectral" lint "$work/openapi.json" --ruleset "$work/.spectral.yaml" --fail-severity error || status=1
exit $status
