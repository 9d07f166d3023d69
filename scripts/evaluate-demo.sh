#!/usr/bin/env bash
# Evaluates the demo models on the shapes test split: R@K, rsum and the hard-negative probe for SGR, SAF
# and SGRAF, each beside the global-only baseline of the same model(s). JSON results go to models/results/.
set -euo pipefail
cd "$(dirname "$0")/.."
data=${DATA:-data/shapes}
out=${OUT:-models}
results="$out/results"
mkdir -p "$results"
sgraf() { dotnet src/Sgraf.Training/bin/Release/net10.0/sgraf.dll "$@"; }

# Built first, as train-demo.sh does: on a fresh clone the Release dll does not exist yet.
dotnet build src/Sgraf.Training -c Release -v quiet
[ -f "$data/test_ims.npy" ] || sgraf make-shapes --out "$data" --seed 7 --train 4000 --dev 200 --test 500 --img-dim 2048

sgr=(--model "$out/shapes-sgr/model_best")
saf=(--model "$out/shapes-saf/model_best")
for name in sgr saf sgraf; do
  case $name in sgr) models=("${sgr[@]}");; saf) models=("${saf[@]}");; sgraf) models=("${sgr[@]}" "${saf[@]}");; esac
  sgraf evaluate "${models[@]}" --data "$data" --split test --probe "$data/test_probe.jsonl" --json "$results/$name.json"
  sgraf evaluate "${models[@]}" --data "$data" --split test --probe "$data/test_probe.jsonl" --global-only --json "$results/$name-global-only.json"
done
