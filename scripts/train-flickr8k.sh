#!/usr/bin/env bash
# Reproduces models/flickr8k-bundle from scratch: Flickr8k photos -> ResNet-18 grid features -> SGR and SAF -> ONNX bundle
# with the picture encoder -> shortlist head -> test-split results in models/results/flickr8k-*.json.
#
# Needs: the captions and split (../shared/datasets/flickr8k, or FLICKR=<folder with Flickr8k.token.txt and the split
# files>) and the 8,091 photos (PHOTOS=<folder>): a clone of github.com/RlNZLER/Image-Text-Matching, then
#   git -C Image-Text-Matching archive f2027d45735edc76aa9cb40f0e3f38b7d0e1bb71 data/images | tar -x -C <dir>
# (they are 224 x 224 squares; terms in the captions folder's README: research use, photos stay out of the repository).
# Time measured here on a 2-core CPU (docs/benchmarks.md "Training on Flickr8k"): features 3 min 11 s on the idle
# machine (47 photos/s; 32 min under heavy load), SAF 9 epochs 3 h 9 min with one thread beside other work (an epoch on a
# core of its own: about 18 min), SGR 5 epochs 2 h 37 min the same way, then its epochs 6-12 with two threads, 10-29 min
# an epoch, before SGR's step differentiated only the pairs inside the margin (its step at these sizes: 2.1-2.2 s then,
# 0.8 s now: docs/benchmarks.md "The recipe's step"), shortlist head 4-8 min an epoch, evaluation by ONNX Runtime a few
# minutes a model (the global-only baselines through torch). The hardest-negative epochs (HARD_EPOCHS, below), both
# models side by side at two threads each with OMP_WAIT_POLICY=passive: SGR 6.5-10.5 min an epoch, SAF 8-14 min.
# The shipped SGR's epochs 6-8 went on from its epoch-5 checkpoint with a fresh Adam (sgraf train --continue-from:
# the checkpoints in models/ hold no optimizer state), its epochs 9-12 from its epoch-8 checkpoint (--resume); this
# script trains the same recipe in one run, so its model is the same recipe, not the same bits.
#
# Recipe (README "A model of real photos", what each choice did on dev): embed 256, sim 64, word 300, batch 128,
# Adam 2e-4 with the last epoch at 2e-5 (dev rsum SAF 214.5 -> 220.9 after 8 epochs; SGR 218.5 -> 225.0 after 8,
# 226.8 -> 237.0 after 11), the image fc starting from
# the training regions' standardisation (--standardise-images), the loss summed over all negatives (switching to the
# hardest negative after 1-2 epochs collapsed both models: the loss went to 2 * batch * margin), then, once they rank
# well, the official hardest negative for HARD_EPOCHS more.
# SGR_EPOCHS / SAF_EPOCHS: epochs in all; SGR_LR_UPDATE / SAF_LR_UPDATE: epochs before the 10x decay; SAF_MORE_EPOCHS:
# SAF's continuation (below; 0: none); HARD_EPOCHS: the hardest-negative epochs of both (below; 0: none); THREADS:
# torch threads a training (1: both trainings side by side on a 2-core machine; two threads each side by side want
# OMP_WAIT_POLICY=passive, docs/benchmarks.md).
set -euo pipefail
cd "$(dirname "$0")/.."
flickr=${FLICKR:-../shared/datasets/flickr8k}
photos=${PHOTOS:?set PHOTOS to the folder of the 8,091 Flickr8k photos (see the comment at the top)}
work=${WORK:-data/flickr8k}
out=${OUT:-models}
sgr_epochs=${SGR_EPOCHS:-12}
saf_epochs=${SAF_EPOCHS:-9}
sgr_lr_update=${SGR_LR_UPDATE:-11}
saf_lr_update=${SAF_LR_UPDATE:-8}
threads=${THREADS:-1}
shortlist_epochs=${SHORTLIST_EPOCHS:-12}
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
    --num-epochs "$epochs" --lr-update "$lr_update" --val-step 100000 --threads "$threads" --seed 0
}
{ time train sgr "$sgr_epochs" "$sgr_lr_update"; } > "$work/sgr.train.log" 2>&1 &
sgr=$!
{ time train saf "$saf_epochs" "$saf_lr_update"; } > "$work/saf.train.log" 2>&1 &
saf=$!
wait $sgr
wait $saf

# go_on MODEL MORE LR_EPOCHS [train options]: MODEL goes on from its model_best (a fresh Adam, the epoch count kept)
# for MORE epochs, the first LR_EPOCHS at 2e-4 and the rest at 2e-5. The continuation replaces the run only if it beat
# it on dev (only then does it write a model_best).
go_on() {
  local model=$1 more=$2 lr_epochs=$3; shift 3
  local dir="$work/runs/$model" next="$work/runs/$model-on" epoch
  epoch=$(sed -n 's/^ *"epoch": \([0-9]*\),$/\1/p' "$dir/model_best/training_state.json")
  rm -rf "$next"
  { time sgraf train --continue-from "$dir/model_best" --model "$model" --data "$precomp" --vocab "$work/vocab.json" \
      --out "$next" --num-epochs $((epoch + more)) --lr-update $((epoch + lr_epochs)) --threads 2 "$@"; } \
    >> "$work/$model-on.train.log" 2>&1
  if [ -d "$next/model_best" ]; then rm -rf "$dir" && mv "$next" "$dir"; fi
}
# SAF_MORE_EPOCHS: SAF goes on with the summed loss, the last epoch at 2e-5 (3: dev rsum 220.9 -> 217.8 -> 223.2 ->
# 233.8). HARD_EPOCHS: then both go on with the official hardest negative (max_violation), the last epoch at 2e-5 and
# the others at 2e-4 (4: SGR dev rsum 237.0 -> 243.9 -> 249.5 -> 249.6 -> 255.3, SAF 233.8 -> 249.2 -> 256.6 -> 258.4
# -> 261.4; 2: SGR 249.3, SAF 250.8; docs/benchmarks.md "Hardest negatives once the models rank well"). Hardest
# negatives collapsed both models early in training (above); once they rank well they pay.
saf_more=${SAF_MORE_EPOCHS:-3}
hard=${HARD_EPOCHS:-4}
if [ "$saf_more" -gt 0 ]; then go_on saf "$saf_more" $((saf_more - 1)); fi
if [ "$hard" -gt 0 ]; then
  (
    # Side by side at two threads each: libgomp must not spin-wait (docs/benchmarks.md "Two trainings on one machine").
    export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-passive}
    go_on sgr "$hard" $((hard - 1)) --max-violation true &
    sgr=$!
    go_on saf "$hard" $((hard - 1)) --max-violation true &
    saf=$!
    wait $sgr
    wait $saf
  )
fi

bundle="$out/flickr8k-bundle"
rm -rf "$bundle"
sgraf export-onnx --model "$work/runs/sgr/model_best" --model "$work/runs/saf/model_best" --vocab "$work/vocab.json" \
  --picture-encoder resnet18 --out "$bundle"
sgraf train-shortlist --bundle "$bundle" --data "$precomp" --out "$out/flickr8k-shortlist" --epochs "$shortlist_epochs" --threads 2
sgraf add-shortlist --bundle "$bundle" --shortlist "$out/flickr8k-shortlist"

bash scripts/evaluate-flickr8k.sh
