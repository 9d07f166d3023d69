#!/usr/bin/env bash
# Reproduces models/flickr8k-bundle from scratch: Flickr8k photos -> ResNet-18 grid features -> SGR and SAF -> ONNX bundle
# with the picture encoder -> shortlist head -> test-split results in models/results/flickr8k-*.json.
#
# Needs: the captions and split (../shared/datasets/flickr8k, or FLICKR=<folder with Flickr8k.token.txt and the split
# files>) and the 8,091 photos (PHOTOS=<folder>): a clone of github.com/RlNZLER/Image-Text-Matching, then
#   git -C Image-Text-Matching archive f2027d45735edc76aa9cb40f0e3f38b7d0e1bb71 data/images | tar -x -C <dir>
# (they are 224 x 224 squares; terms in the captions folder's README: research use, photos stay out of the repository).
# Time measured here on a 2-core CPU shared with other work (docs/benchmarks.md "Training on Flickr8k"): features 32 min,
# SGR 5 epochs 2 h 37 min and SAF 9 epochs 3 h 9 min with one thread each (side by side and beside other work; an SAF
# epoch on a core of its own: about 18 min), shortlist head 35 min (8 epochs), evaluation 10-27 min a model.
#
# Recipe (README "A model of real photos", what each choice did on dev): embed 256, sim 64, word 300, batch 128,
# Adam 2e-4 (SAF's last epoch at 2e-5: dev rsum 214.5 -> 220.9), the image fc starting from the training regions' standardisation (--standardise-images),
# the loss summed over all negatives throughout (switching to the hardest negative after 1-2 epochs collapsed both
# models: the loss went to 2 * batch * margin). SGR_EPOCHS / SAF_EPOCHS train longer (SGR's dev rsum was still rising by
# 20 an epoch), SGR_LR_UPDATE / SAF_LR_UPDATE: epochs before the 10x decay.
set -euo pipefail
cd "$(dirname "$0")/.."
flickr=${FLICKR:-../shared/datasets/flickr8k}
photos=${PHOTOS:?set PHOTOS to the folder of the 8,091 Flickr8k photos (see the comment at the top)}
work=${WORK:-data/flickr8k}
out=${OUT:-models}
sgr_epochs=${SGR_EPOCHS:-5}
saf_epochs=${SAF_EPOCHS:-9}
sgr_lr_update=${SGR_LR_UPDATE:-100}
saf_lr_update=${SAF_LR_UPDATE:-8}
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
  local model=$1 epochs=$2 lr_update=$3 dir="$work/runs/$1"
  rm -rf "$dir"
  sgraf train --model "$model" --data "$precomp" --vocab "$work/vocab.json" --out "$dir" --data-name f8k_precomp \
    --embed-size 256 --sim-dim 64 --word-dim 300 --standardise-images true --max-violation false \
    --num-epochs "$epochs" --lr-update "$lr_update" --val-step 100000 --threads 1 --seed 0
}
{ time train sgr "$sgr_epochs" "$sgr_lr_update"; } > "$work/sgr.train.log" 2>&1 &
sgr=$!
{ time train saf "$saf_epochs" "$saf_lr_update"; } > "$work/saf.train.log" 2>&1 &
saf=$!
wait $sgr
wait $saf

bundle="$out/flickr8k-bundle"
rm -rf "$bundle"
sgraf export-onnx --model "$work/runs/sgr/model_best" --model "$work/runs/saf/model_best" --vocab "$work/vocab.json" \
  --picture-encoder resnet18 --out "$bundle"
sgraf train-shortlist --bundle "$bundle" --data "$precomp" --out "$out/flickr8k-shortlist" --epochs 8 --threads 1
sgraf add-shortlist --bundle "$bundle" --shortlist "$out/flickr8k-shortlist"

bash scripts/evaluate-flickr8k.sh
