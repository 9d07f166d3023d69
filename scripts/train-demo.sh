#!/usr/bin/env bash
# Regenerates the shapes benchmark and trains the demo SGR and SAF models committed under models/.
#
# Recipe: the official one (Adam 2e-4, margin 0.2, grad clip 2, dropout 0.4, hardest negatives) at small
# dims (word 64, embed 128, sim 32) and batch 64, so that each model trains on a 2-core CPU in under
# 30 minutes. Hardest-negative training from scratch barely moves in the first epochs (the loss sits at
# 2·batch·margin while all scores are alike), so the first 3 epochs use the sum over all negatives
# (--max-violation false) and the run then resumes with the official hardest-negative loss.
# The two trainings run side by side with one torch thread each: at this size one thread is as fast per
# model as two, so a 2-core machine trains both in the time of one.
set -euo pipefail
cd "$(dirname "$0")/.."
data=${DATA:-data/shapes}
out=${OUT:-models}
sgraf() { dotnet src/Sgraf.Training/bin/Release/net10.0/sgraf.dll "$@"; }

dotnet build src/Sgraf.Training -c Release -v quiet
sgraf make-shapes --out "$data" --seed 7 --train 4000 --dev 200 --test 500 --img-dim 2048

train() {
  local model=$1 dir="$out/shapes-$1"
  rm -rf "$dir"
  sgraf train --model "$model" --out "$dir" --data "$data" --batch-size 64 --word-dim 64 --embed-size 128 --sim-dim 32 \
    --threads 1 --seed 1 --num-epochs 3 --max-violation false
  sgraf train --resume "$dir/checkpoint_3" --out "$dir" --data "$data" --num-epochs 8 --lr-update 6 --max-violation true
}
{ time train sgr; } > "$out/shapes-sgr.train.log" 2>&1 &
sgr=$!
{ time train saf; } > "$out/shapes-saf.train.log" 2>&1 &
saf=$!
wait $sgr
wait $saf
