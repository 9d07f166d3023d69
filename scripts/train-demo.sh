#!/usr/bin/env bash
# Regenerates the shapes benchmark and trains the demo SGR and SAF models committed under models/.
# The two trainings run side by side, one torch thread each: on this model size one thread is faster
# per model than two (measured), so a 2-core machine trains both in the time of one.
set -euo pipefail
cd "$(dirname "$0")/.."
data=${DATA:-data/shapes}
out=${OUT:-models}
sgraf() { dotnet src/Sgraf.Training/bin/Release/net10.0/sgraf.dll "$@"; }

dotnet build src/Sgraf.Training -c Release -v quiet
sgraf make-shapes --out "$data" --seed 7 --train 4000 --dev 200 --test 500 --img-dim 2048

common=(--data "$data" --num-epochs 6 --lr-update 5 --word-dim 64 --embed-size 128 --sim-dim 32 --threads 1 --seed 1)
sgraf train --model sgr --out "$out/shapes-sgr" "${common[@]}" > "$out/shapes-sgr.train.log" 2>&1 &
sgr=$!
sgraf train --model saf --out "$out/shapes-saf" "${common[@]}" > "$out/shapes-saf.train.log" 2>&1 &
saf=$!
wait $sgr
wait $saf
