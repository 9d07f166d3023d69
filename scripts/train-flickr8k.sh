#!/usr/bin/env bash
# Reproduces models/flickr8k-bundle from scratch: Flickr8k photos -> ResNet-18 grid features -> SGR and SAF -> ONNX bundle
# with the picture encoder -> shortlist head -> test-split results in models/results/flickr8k-*.json.
#
# Needs: the captions and split (../shared/datasets/flickr8k, or FLICKR=<folder with Flickr8k.token.txt and the split
# files>) and the 8,091 photos (PHOTOS=<folder>): a clone of github.com/RlNZLER/Image-Text-Matching, then
#   git -C Image-Text-Matching archive f2027d45735edc76aa9cb40f0e3f38b7d0e1bb71 data/images | tar -x -C <dir>
# (they are 224 x 224 squares; terms in the captions folder's README: research use, photos stay out of the repository).
# Time on a 2-core CPU (measured here, docs/benchmarks.md "Flickr8k"): features ~30 min, SGR and SAF side by side
# with one thread each ~1 h 30, shortlist head and evaluation ~30 min.
#
# Recipe (README "Your own photos", what each choice bought on dev): embed 256, sim 64, word 300, batch 128,
# Adam 2e-4, the image fc starting from the training regions' standardisation (--standardise-images), the first
# epoch with the loss summed over all negatives (--warmup-epochs 1), then the official hardest negative,
# a 10x decay for the last epoch(s).
set -euo pipefail
cd "$(dirname "$0")/.."
flickr=${FLICKR:-../shared/datasets/flickr8k}
photos=${PHOTOS:?set PHOTOS to the folder of the 8,091 Flickr8k photos (see the comment at the top)}
work=${WORK:-data/flickr8k}
out=${OUT:-models}
sgr_epochs=${SGR_EPOCHS:-7}
saf_epochs=${SAF_EPOCHS:-5}
decay_epochs=${DECAY_EPOCHS:-1}
sgraf() { dotnet src/Sgraf.Training/bin/Release/net10.0/sgraf.dll "$@"; }

dotnet build src/Sgraf.Training -c Release -v quiet
mkdir -p "$work"
precomp="$work/precomp"
if [ ! -f "$precomp/test_ims.npy" ]; then
  sgraf extract-features --pictures "$photos" --captions "$flickr/Flickr8k.token.txt" --splits "$flickr" \
    --picture-encoder resnet18 --out "$precomp"
fi
sgraf build-vocab --captions "$precomp/train_caps.txt" --out "$work/vocab.json"

train() {
  local model=$1 epochs=$2 dir="$work/runs/$1"
  rm -rf "$dir"
  sgraf train --model "$model" --data "$precomp" --vocab "$work/vocab.json" --out "$dir" --data-name f8k_precomp \
    --embed-size 256 --sim-dim 64 --word-dim 300 --standardise-images true --warmup-epochs 1 \
    --num-epochs "$epochs" --lr-update "$((epochs - decay_epochs))" --val-step 100000 --threads 1 --seed 0
}
{ time train sgr "$sgr_epochs"; } > "$work/sgr.train.log" 2>&1 &
sgr=$!
{ time train saf "$saf_epochs"; } > "$work/saf.train.log" 2>&1 &
saf=$!
wait $sgr
wait $saf

bundle="$out/flickr8k-bundle"
rm -rf "$bundle"
sgraf export-onnx --model "$work/runs/sgr/model_best" --model "$work/runs/saf/model_best" --vocab "$work/vocab.json" \
  --picture-encoder resnet18 --out "$bundle"
sgraf train-shortlist --bundle "$bundle" --data "$precomp" --out "$out/flickr8k-shortlist" --epochs 10
sgraf add-shortlist --bundle "$bundle" --shortlist "$out/flickr8k-shortlist"

bash scripts/evaluate-flickr8k.sh
