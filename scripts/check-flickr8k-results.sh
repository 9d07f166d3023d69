#!/usr/bin/env bash
# Checks, in under a minute (26 s on the 2-core VM), that the shipped Flickr8k models give the shipped figures on this machine: SGR, SAF and
# SGRAF on the first 100 test photos and their 500 captions (R@K, medr, meanr, rsum and the hard-negative probe of
# those photos), each against models/results/flickr8k-{sgr,saf,sgraf}-first100.json with `sgraf evaluate --expect`
# (every figure equal, or each difference named and a non-zero exit). scripts/evaluate-flickr8k.sh writes those files
# beside the full test-split results, from the same models and features.
# Needs the features and probe of scripts/train-flickr8k.sh (WORK=data/flickr8k by default); the models are the
# repository's (MODELS=models).
set -euo pipefail
cd "$(dirname "$0")/.."
work=${WORK:-data/flickr8k}
models=${MODELS:-models}
images=100
sgraf() { dotnet src/Sgraf.Training/bin/Release/net10.0/sgraf.dll "$@"; }
[ -f src/Sgraf.Training/bin/Release/net10.0/sgraf.dll ] || dotnet build src/Sgraf.Training -c Release -v quiet
for f in "$work/precomp/test_ims.npy" "$work/vocab.json" "$work/test_probe.jsonl"; do
  [ -f "$f" ] || { echo "error: $f not found: extract the features first (scripts/train-flickr8k.sh, README \"A model of real photos\")" >&2; exit 1; }
done

source scripts/lib/flickr8k_models.sh
failed=0
for name in sgr saf sgraf; do
  flickr8k_models $name "$models/flickr8k-sgr/model_best" "$models/flickr8k-saf/model_best"
  sgraf evaluate "${picked[@]}" --data "$work/precomp" --vocab "$work/vocab.json" --split test --images $images \
    --probe "$work/test_probe.jsonl" --expect "$models/results/flickr8k-$name-first$images.json" || failed=1
done
[ $failed = 0 ] && echo "all shipped first-$images figures reproduced" || { echo "some figures were not reproduced (above)" >&2; exit 1; }
