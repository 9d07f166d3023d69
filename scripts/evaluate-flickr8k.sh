#!/usr/bin/env bash
# Evaluates the Flickr8k models on the test split (1,000 photos, 5,000 captions), as models/results/flickr8k-*.json:
# R@K and rsum for SGR, SAF and SGRAF, each beside the global-only baseline of the same model(s), the hard-negative
# probe (sgraf make-probe: one colour, count, person or action word swapped) for all of them, and the bundle's
# shortlist head (exact top 10 kept at K = 50..500, both directions); and SGR, SAF and SGRAF on the first 100 test photos
# (flickr8k-*-first100.json), which scripts/check-flickr8k-results.sh checks against in minutes.
# Needs the features scripts/train-flickr8k.sh extracts (WORK=data/flickr8k by default) and its checkpoints.
set -euo pipefail
cd "$(dirname "$0")/.."
work=${WORK:-data/flickr8k}
out=${OUT:-models}
precomp="$work/precomp"
results="$out/results"
mkdir -p "$results"
sgraf() { dotnet src/Sgraf.Training/bin/Release/net10.0/sgraf.dll "$@"; }
[ -f src/Sgraf.Training/bin/Release/net10.0/sgraf.dll ] || dotnet build src/Sgraf.Training -c Release -v quiet

probe="$work/test_probe.jsonl"
sgraf make-probe --captions "$precomp/test_caps.txt" --vocab "$work/vocab.json" --out "$probe"
source scripts/lib/flickr8k_models.sh
sgr="$work/runs/sgr/model_best"
saf="$work/runs/saf/model_best"
# R@K and the probe by ONNX Runtime (minutes; the same figures as the checkpoints give through torch, which takes up to
# an hour a model here): SGRAF by the shipped bundle, SGR and SAF each by a bundle of its own.
for name in sgr saf; do
  flickr8k_models $name "$sgr" "$saf"
  rm -rf "$work/bundles/$name"
  sgraf export-onnx "${picked[@]}" --vocab "$work/vocab.json" --out "$work/bundles/$name"
done
for name in sgr saf sgraf; do
  case $name in sgraf) bundle="$out/flickr8k-bundle";; *) bundle="$work/bundles/$name";; esac
  sgraf evaluate --bundle "$bundle" --data "$precomp" --split test --probe "$probe" --json "$results/flickr8k-$name.json"
  # The first 100 photos' figures, which scripts/check-flickr8k-results.sh reproduces in minutes.
  sgraf evaluate --bundle "$bundle" --data "$precomp" --split test --images 100 --probe "$probe" \
    --json "$results/flickr8k-$name-first100.json"
  # The global-only baseline of the same checkpoints (a bundle holds no global-only scorer).
  flickr8k_models $name "$sgr" "$saf"
  sgraf evaluate "${picked[@]}" --data "$precomp" --vocab "$work/vocab.json" --split test --probe "$probe" --global-only \
    --json "$results/flickr8k-$name-global-only.json"
done
cp "$results/flickr8k-sgraf-global-only.json" "$results/flickr8k-global-only.json"
sgraf evaluate --bundle "$out/flickr8k-bundle" --data "$precomp" --split test --shortlist 50,100,200,500 \
  --plot "$out/flickr8k-shortlist/shortlist_recall.png" --json "$results/flickr8k-shortlist.json"
