# Sourced by the benchmark scripts that start the service under test themselves (run from the repository root).

# prepare_bench_service CONFIGURATION: builds the load tool and the service, sets this_dll (the service just built),
# service and data (the running service's pid and data folder, empty now), and on exit stops that service and
# removes that folder.
prepare_bench_service() {
  dotnet build -c "$1" tools/Sgraf.LoadTest -v quiet -nologo >&2
  dotnet build -c "$1" src/Sgraf.Api -v quiet -nologo >&2
  this_dll="src/Sgraf.Api/bin/$1/net10.0/Sgraf.Api.dll"
  service=""
  data=""
  trap stop_bench_service EXIT
}

stop_bench_service() {
  if [ -n "$service" ]; then kill "$service" 2>/dev/null || true; wait "$service" 2>/dev/null || true; service=""; fi
  if [ -n "$data" ]; then rm -rf "$data"; data=""; fi
}
