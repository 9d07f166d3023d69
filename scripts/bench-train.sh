#!/usr/bin/env bash
# Training speed side by side: the official SGRAF training step (scripts/official-train-step.py, Debian's PyTorch) and
# `sgraf bench-train`, back to back on the same machine, for each model and thread count, ROUNDS times over, then a
# table of captions/s and ratios (docs/benchmarks.md, "Training speed").
#
# Usage: scripts/bench-train.sh [OUT_DIR]
#   ROUNDS=2 MODELS="sgr saf" THREADS="1 2" STEPS=2 OFFICIAL_STEPS=1 EXTRA="--bfloat16" scripts/bench-train.sh
# Sizes: IMG_DIM=512 EMBED=1024 SIM=256 BATCH=128 WORDS=12 (the issue's). OFFICIAL=0 skips the official code;
# OFFICIAL_THREADS="1" runs it at those thread counts only (default: THREADS; its 2 threads are slower than its 1).
# Needs /usr/bin/python3 with torch (Debian: apt-get install python3-torch) unless OFFICIAL=0.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-bench-train-results}
rounds=${ROUNDS:-2}
models=${MODELS:-sgr saf}
threads_list=${THREADS:-1 2}
steps=${STEPS:-2}
official_steps=${OFFICIAL_STEPS:-1}
official=${OFFICIAL:-1}
official_threads=" ${OFFICIAL_THREADS:-$threads_list} "
sizes=(--img-dim "${IMG_DIM:-512}" --embed-size "${EMBED:-1024}" --sim-dim "${SIM:-256}" --batch-size "${BATCH:-128}" --words "${WORDS:-12}")
mkdir -p "$out"

dotnet build src/Sgraf.Training -c Release -v quiet -nologo >/dev/null
sgraf() { dotnet src/Sgraf.Training/bin/Release/net10.0/sgraf.dll "$@"; }

for round in $(seq 1 "$rounds"); do
  for model in $models; do
    for threads in $threads_list; do
      echo "round $round: $model, $threads thread(s)" >&2
      if [ "$official" = 1 ] && [[ $official_threads == *" $threads "* ]]; then
        # One timed step, no warm-up: an official step at full size takes minutes, and its first is not slower.
        /usr/bin/python3 scripts/official-train-step.py --model "$model" "${sizes[@]}" --threads "$threads" \
          --steps "$official_steps" --warmup 0 --json "$out/official-$model-$threads-$round.json" | tail -1
      fi
      # shellcheck disable=SC2086 # EXTRA holds several options
      sgraf bench-train --model "$model" "${sizes[@]}" --threads "$threads" --steps "$steps" ${EXTRA:-} \
        --json "$out/sgraf-$model-$threads-$round.json" 2>/dev/null | tail -1
    done
  done
done

# Each round's pair ran back to back, so its ratio is the fairest figure on a shared machine.
/usr/bin/python3 - "$out" <<'PY'
import glob, json, os, sys
out = sys.argv[1]
rows = {}
for path in sorted(glob.glob(os.path.join(out, 'sgraf-*.json'))):
    _, model, threads, round_ = os.path.basename(path)[:-5].split('-')
    ours = json.load(open(path))
    theirs_path = os.path.join(out, f'official-{model}-{threads}-{round_}.json')
    theirs = json.load(open(theirs_path)) if os.path.exists(theirs_path) else None
    rows.setdefault((model, int(threads)), []).append((ours, theirs))
print('| model | threads | round | official captions/s (CPU s/step) | sgraf captions/s (CPU s/step) | sgraf / official |')
print('| --- | ---: | ---: | ---: | ---: | ---: |')
for (model, threads), runs in sorted(rows.items()):
    for k, (ours, theirs) in enumerate(runs, 1):
        o = f"{theirs['captions_per_second']:.2f} ({theirs['mean_cpu_seconds_per_step']:.1f})" if theirs else '-'
        s = f"{ours['captions_per_second']:.2f} ({ours['mean_cpu_seconds_per_step']:.1f})"
        r = f"{ours['captions_per_second'] / theirs['captions_per_second']:.1f}x" if theirs else '-'
        print(f'| {model.upper()} | {threads} | {k} | {o} | {s} | {r} |')
for model in sorted({m for m, _ in rows}):
    one, two = rows.get((model, 1)), rows.get((model, 2))
    if one and two:
        for k, (a, b) in enumerate(zip(one, two), 1):
            print(f"{model.upper()} round {k}: sgraf 2 threads / 1 thread = {b[0]['captions_per_second'] / a[0]['captions_per_second']:.2f}")
PY
