#!/usr/bin/env bash
# The Flickr8k recipe's training step on real data (docs/benchmarks.md "The recipe's step"): `sgraf train` goes on from
# a trained checkpoint (MODEL, default models/flickr8k-sgr/model_best: a model that has learned, so few pairs are inside
# the margin) for SECONDS with SGRAF_PROFILE=1, and each step's wall time is read from its phase lines. Give several
# builds of sgraf.dll to compare them side by side, ROUNDS times in turn:
#   WORK=data/flickr8k bash scripts/bench-recipe-step.sh OLD/sgraf.dll src/Sgraf.Training/bin/Release/net10.0/sgraf.dll
# Needs the features and vocabulary of scripts/train-flickr8k.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
work=${WORK:-data/flickr8k}
model=${MODEL:-models/flickr8k-sgr/model_best}
module=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['module_name'].lower())" "$model/config.json")
epochs=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['epoch'] + 1)" "$model/training_state.json")
seconds=${SECONDS_PER_RUN:-120}
rounds=${ROUNDS:-2}
[ $# -gt 0 ] || { echo "usage: $0 SGRAF_DLL [SGRAF_DLL ...]" >&2; exit 1; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for round in $(seq "$rounds"); do
  for dll in "$@"; do
    rm -rf "$out/run"
    SGRAF_PROFILE=1 timeout "$seconds" dotnet "$dll" train --continue-from "$model" --model "$module" --data "$work/precomp" \
      --vocab "$work/vocab.json" --out "$out/run" --num-epochs "$epochs" --threads "${THREADS:-2}" --val-step 100000 > /dev/null 2> "$out/phases" || true
    python3 - "$out/phases" "$round" "$dll" <<'PY'
import re, statistics, sys
steps, current = [], 0.0
for line in open(sys.argv[1]):
    m = re.match(r"\s+\[(.*?)\] cpu [\d.]+ s wall ([\d.]+) s", line)
    if not m: continue
    current += float(m.group(2))
    if m.group(1) == "clip + adam": steps.append(current); current = 0.0
timed = steps[5:]   # the first steps warm up allocators and thread pools
print(f"round {sys.argv[2]} {sys.argv[3]}: {len(steps)} steps" +
      (f", median step {statistics.median(timed):.2f} s" if timed else ", too few to time"))
PY
  done
done
