#!/usr/bin/env bash
# The GPU check (README "ONNX Runtime and the GPU"): ONNX Runtime's CUDA build on an NVIDIA GPU against its own CPU
# provider on the same host, in one table. Two steps, so that the GPU host needs no .NET SDK and no repository:
#
#   scripts/gpu-check.sh pack [DIR]      on a build machine (this repository, the .NET SDK; no GPU needed): publishes
#                                        the service, the sgraf CLI and sgraf-load self-contained for linux-x64, makes
#                                        the bundles checked (the official fixture's, a full-size random one) and copies
#                                        this script; DIR defaults to artifacts/gpu-check. Carry DIR to the GPU host.
#   DIR/gpu-check.sh run [--cuda-libs DIRS] [--images N] [--seconds S] [--port P]
#                                        on the GPU host: needs only DIR, the NVIDIA driver, and CUDA 13 (cuBLAS, cuBLASLt,
#                                        cuRAND, cudart) and cuDNN 9 libraries, found by the loader or in --cuda-libs
#                                        (folders separated by ':', e.g. a Python environment's .../site-packages/nvidia/*/lib).
#
# run measures: the ONNX parity check on CUDA (sgraf check-cuda on the official fixture: every score within 1e-5 of
# the CPU's, every exact search ranking equal), sgraf bench-score pairs/s of both models at full size on CUDA and on the
# CPU (all cores), the picture encoder's photos/s (sgraf bench-pictures: decoding and encoding together) on each, and the service's search p50 at --images (10000) full-size images on each device. It stops with one
# line where there is no NVIDIA GPU, or where CUDA cannot start (naming the missing library).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

pack() {
  local root; root=$(cd "$here/.." && pwd)
  [ -f "$root/Sgraf.sln" ] || { echo "gpu-check: pack runs from the repository's scripts/ folder" >&2; exit 1; }
  local dir=${1:-$root/artifacts/gpu-check}
  # The official fixture: SGRAF_FIXTURE_DIR, or shared/fixtures/official-small in a folder above the repository (as the tests find it).
  local fixture=${SGRAF_FIXTURE_DIR:-} up=$root
  while [ -z "$fixture" ] && [ "$up" != / ]; do
    if [ -d "$up/shared/fixtures/official-small" ]; then fixture=$up/shared/fixtures/official-small; fi
    up=$(dirname "$up")
  done
  [ -d "$fixture/runs" ] || { echo "gpu-check: the official fixture (shared/fixtures/official-small) is not above $root; set SGRAF_FIXTURE_DIR" >&2; exit 1; }
  rm -rf "$dir" && mkdir -p "$dir/bundles" "$dir/data/fixture"
  dir=$(cd "$dir" && pwd)
  local project path name flavor
  # sgraf-load only sends requests: the CPU-only ONNX Runtime (30 MB) instead of the CUDA build (330 MB).
  for project in src/Sgraf.Api:api:Gpu src/Sgraf.Training:sgraf:Gpu tools/Sgraf.LoadTest:load:Cpu; do
    IFS=: read -r path name flavor <<<"$project"
    echo "== publishing $path (self-contained, linux-x64, ONNX Runtime flavour $flavor) into $dir/$name" >&2
    dotnet publish "$root/$path" -c Release -r linux-x64 --self-contained true -p:OnnxRuntimeFlavor="$flavor" -o "$dir/$name" -v quiet -nologo >&2
  done
  local work; work=$(mktemp -d)
  echo "== the official fixture's bundle" >&2
  for model in SGR SAF; do
    "$dir/sgraf/sgraf" import-official --checkpoint "$fixture/runs/$model/model_best.pth.tar" --out "$work/$model" >&2
  done
  "$dir/sgraf/sgraf" export-onnx --model "$work/SGR" --model "$work/SAF" --data "$fixture/data/tiny_precomp" --out "$dir/bundles/fixture" >&2
  cp "$fixture/data/tiny_precomp/test_ims.npy" "$fixture/data/tiny_precomp/test_caps.txt" "$dir/data/fixture/"
  echo "== a full-size random bundle (img 2048, embed 1024; SGR, SAF and a shortlist head)" >&2
  "$dir/sgraf/sgraf" bench-score --random-full-size --save-bundle "$dir/bundles/full-size" --onnx-only --images 2 --captions 2 --repeat 1 >&2
  echo "== the picture encoder (ResNet-18 grid, built from its NuGet package) and sample photos to encode" >&2
  "$dir/sgraf/sgraf" export-onnx --picture-encoder resnet18 --out "$dir/bundles/pictures" >&2
  # scikit-image's sample photos (python3-skimage, installed by scripts/install-deps.sh); bench-pictures cycles through them.
  local photos=/usr/lib/python3/dist-packages/skimage/data
  [ -f "$photos/chelsea.png" ] || bash "$root/scripts/install-deps.sh" python3-skimage >&2
  mkdir -p "$dir/data/photos"
  cp "$photos"/{astronaut,chelsea,coffee}.png "$photos/rocket.jpg" "$dir/data/photos/"
  rm -rf "$work"
  cp "$here/gpu-check.sh" "$root/deploy/http-probe.sh" "$dir/"
  du -sh "$dir"/api "$dir"/sgraf "$dir"/load "$dir"/bundles
  du -sh "$dir"
  echo "Carry $dir to the GPU host and run: $dir/gpu-check.sh run --cuda-libs /path/to/cuda/libs" >&2
}

# One line, and exit 2, where this host has no NVIDIA GPU.
require_gpu() {
  if command -v nvidia-smi >/dev/null && nvidia-smi -L 2>/dev/null | grep -q '^GPU '; then return; fi
  if compgen -G '/dev/nvidia[0-9]*' >/dev/null; then return; fi
  echo "gpu-check: no NVIDIA GPU on this host (nvidia-smi lists none, no /dev/nvidia0): nothing to check"
  exit 2
}

run() {
  local cuda_libs="" images=10000 seconds=20 port=5391
  while [ $# -gt 0 ]; do
    case "$1" in
      --cuda-libs) cuda_libs=$2; shift 2 ;;
      --images) images=$2; shift 2 ;;
      --seconds) seconds=$2; shift 2 ;;
      --port) port=$2; shift 2 ;;
      *) echo "gpu-check: unknown option $1 (run takes --cuda-libs, --images, --seconds, --port)" >&2; exit 1 ;;
    esac
  done
  for part in api/Sgraf.Api sgraf/sgraf load/sgraf-load bundles/fixture bundles/full-size bundles/pictures data/photos; do
    [ -e "$here/$part" ] || { echo "gpu-check: $here/$part is missing; run uses the folder scripts/gpu-check.sh pack made" >&2; exit 1; }
  done
  require_gpu
  if [ -n "$cuda_libs" ]; then export LD_LIBRARY_PATH="$cuda_libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"; fi
  local out; out=$(mktemp -d -t sgraf-gpu-check-XXXXXX)
  local sgraf="$here/sgraf/sgraf" cores; cores=$(nproc)

  echo "== parity on CUDA: the official fixture" >&2
  if ! "$sgraf" check-cuda --bundle "$here/bundles/fixture" --data "$here/data/fixture" >"$out/parity.txt" 2>"$out/parity.err"; then
    cat "$out/parity.txt"; cat "$out/parity.err"; exit 1
  fi
  echo "== bench-score, full size, CPU ($cores threads) and CUDA" >&2
  "$sgraf" bench-score --bundle "$here/bundles/full-size" --onnx-only --device cpu --threads "$cores" >"$out/bench-cpu.txt"
  "$sgraf" bench-score --bundle "$here/bundles/full-size" --onnx-only --device cuda --threads 1 >"$out/bench-cuda.txt"
  local device
  for device in cpu cuda; do
    echo "== picture encoder on $device: decode + encode, batches of 32" >&2
    "$sgraf" bench-pictures --bundle "$here/bundles/pictures" --pictures "$here/data/photos" --count 512 --batch-size 32 \
      --decode-threads "$cores" --device "$device" >"$out/pictures-$device.txt"
  done
  for device in cpu cuda; do
    echo "== search p50 at $images images on $device" >&2
    search_p50 "$device" "$out"
  done

  pairs() { grep -o "^$1: ONNX Runtime *[0-9]*" "$2" | grep -o '[0-9]*$'; }
  # The search's latency, not the upload's (the JSON's fill section has a p50 too), and the mode the service ran.
  p50() { grep -A2 '"latencyMs"' "$1" | grep -o '"p50": *[0-9.]*' | head -1 | grep -o '[0-9.]*$'; }
  ran() { grep -A1 '"ran"' "$1" | tail -1 | grep -o '"[a-z]*"' | tr -d '"'; }
  ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0 && b > 0) printf "%.2f×", b / a; else print "-" }'; }
  photos() { grep '^decode + encode' "$1" | grep -o '[0-9.]* photos/s' | grep -o '^[0-9.]*'; }
  local sgr_cpu sgr_cuda saf_cpu saf_cuda p50_cpu p50_cuda
  sgr_cpu=$(pairs SGR "$out/bench-cpu.txt"); sgr_cuda=$(pairs SGR "$out/bench-cuda.txt")
  saf_cpu=$(pairs SAF "$out/bench-cpu.txt"); saf_cuda=$(pairs SAF "$out/bench-cuda.txt")
  p50_cpu=$(p50 "$out/search-cpu.json"); p50_cuda=$(p50 "$out/search-cuda.json")
  echo
  echo "GPU check: $(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>/dev/null | head -1), $cores CPU cores, $(date -u +%F)"
  echo "| measure | CPU | CUDA | CUDA ÷ CPU |"
  echo "| --- | --- | --- | --- |"
  echo "| SGR scoring, pairs/s (full size, 100 images × 50 captions × 12 tokens per call) | $sgr_cpu | $sgr_cuda | $(ratio "$sgr_cpu" "$sgr_cuda") |"
  echo "| SAF scoring, pairs/s (same) | $saf_cpu | $saf_cuda | $(ratio "$saf_cpu" "$saf_cuda") |"
  echo "| search p50 ms, $images full-size images, 1 client, mode auto (ran: $(ran "$out/search-cpu.json") / $(ran "$out/search-cuda.json")) | $p50_cpu | $p50_cuda | $(ratio "$p50_cuda" "$p50_cpu") faster |"
  echo "| picture encoder, photos/s (decode + encode, 224 x 224, batches of 32, $cores decode threads) | $(photos "$out/pictures-cpu.txt") | $(photos "$out/pictures-cuda.txt") | $(ratio "$(photos "$out/pictures-cpu.txt")" "$(photos "$out/pictures-cuda.txt")") |"
  echo
  echo "Parity on CUDA (sgraf check-cuda, official fixture):"
  cat "$out/parity.txt"
  echo "Logs and raw results: $out" >&2
}

# search_p50 DEVICE OUT: the published service on DEVICE with the full-size bundle, filled with the bench images, then
# one client's text-to-image searches for --seconds; sgraf-load writes OUT/search-DEVICE.json.
search_p50() {
  local device=$1 out=$2 data; data=$(mktemp -d -t sgraf-gpu-check-data-XXXXXX)
  local key="gpu-check-$RANDOM$RANDOM" url="http://127.0.0.1:$port"
  (cd "$here/api" && exec env Sgraf__BundleDirectory="$here/bundles/full-size" Sgraf__DataDirectory="$data" \
    Sgraf__DemoGallery__Enabled=false Sgraf__ApiKeys__0="$key" Sgraf__Runtime__Device="$device" \
    ./Sgraf.Api --urls "$url" >"$out/service-$device.log" 2>&1) &
  local service=$!
  local waited=0
  until bash "$here/http-probe.sh" "$port" /health/ready; do
    if ! kill -0 "$service" 2>/dev/null || [ $waited -ge 600 ]; then
      echo "gpu-check: the service on $device did not get ready; the end of $out/service-$device.log:" >&2
      tail -5 "$out/service-$device.log" >&2; kill "$service" 2>/dev/null || true; exit 1
    fi
    sleep 1; waited=$((waited + 1))
  done
  # The service runs on the CPU where CUDA cannot start; its figures must not stand in the CUDA column.
  if [ "$device" = cuda ] && ! grep -q "ONNX Runtime runs on Cuda" "$out/service-$device.log"; then
    echo "gpu-check: the service did not start on CUDA: $(grep -m1 -o 'ONNX Runtime runs on.*' "$out/service-$device.log")" >&2
    kill "$service" 2>/dev/null || true; exit 1
  fi
  "$here/load/sgraf-load" bench-api --url "$url" --api-key "$key" --images "$images" --img-dim 2048 --upload-batch 200 \
    --clients 1 --seconds "$seconds" --warmup 3 --json "$out/search-$device.json" >"$out/search-$device.txt"
  kill "$service"; wait "$service" 2>/dev/null || true
  rm -rf "$data"
}

case "${1:-}" in
  pack) shift; pack "$@" ;;
  run) shift; run "$@" ;;
  *) echo "usage: scripts/gpu-check.sh pack [DIR]   (then, on the GPU host)   DIR/gpu-check.sh run [--cuda-libs DIRS] [--images N] [--seconds S]" >&2; exit 1 ;;
esac
