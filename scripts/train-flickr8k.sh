#!/usr/bin/env bash
# Reproduces models/flickr8k-bundle from scratch: Flickr8k photos -> ResNet-18 grid features -> SGR and SAF -> ONNX bundle
# with the picture encoder -> shortlist head -> test-split results in models/results/flickr8k-*.json.
#
# Needs: the captions and split (../shared/datasets/flickr8k, or FLICKR=<folder with Flickr8k.token.txt and the split
# files>) and the 8,091 photos (PHOTOS=<folder>): a clone of github.com/RlNZLER/Image-Text-Matching, then
#   git -C Image-Text-Matching archive f2027d45735edc76aa9cb40f0e3f38b7d0e1bb71 data/images | tar -x -C <dir>
# (they are 224 x 224 squares; terms in the captions folder's README: research use, photos stay out of the repository).
# Time measured here on a 2-core CPU shared with other work (docs/benchmarks.md "Training on Flickr8k"): features 32 min,
# SGR 3 epochs 79 min and SAF 5 epochs 92 min side by side with one thread each, shortlist head 34 min (4 epochs), evaluation 4-8 min a model.
#
# Recipe (README "A model of real photos", what each choice did on dev): embed 256, sim 64, word 300, batch 128,
# Adam 2e-4 with no decay, the image fc starting from the training regions' standardisation (--standardise-images),
# the loss summed over all negatives throughout (switching to the hardest negative after 1-2 epochs collapsed both
# models: the loss went to 2 * batch * margin). SGR_EPOCHS / SAF_EPOCHS train longer (dev rsum was still rising).
set -euo pipefail
cd "$(dirname "$0")/.."
flickr=${FLICKR:-../shared/datasets/flickr8k}
photos=${PHOTOS:?set PHOTOS to the folder of the 8,091 Flickr8k photos (see the comment at the top)}
work=${WORK:-data/flickr8k}
out=${OUT:-models}
sgr_epochs=${SGR_EPOCHS:-3}
saf_epochs=${SAF_EPOCHS:-5}
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
    --embed-size 256 --sim-dim 64 --word-dim 300 --standardise-images true --max-violation false \
    --num-epochs "$epochs" --lr-update 100 --val-step 100000 --threads 1 --seed 0
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
sgraf train-shortlist --bundle "$bundle" --data "$precomp" --out "$out/flickr8k-shortlist" --epochs 4 --threads 1
sgraf add-shortlist --bundle "$bundle" --shortlist "$out/flickr8k-shortlist"

bash scripts/evaluate-flickr8k.sh
