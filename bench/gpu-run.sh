#!/usr/bin/env bash
# Every Node-side measurement for the GPU machine in one device run (../shared/gpu/README.md): the
# two engines' MLP and matmul bench, their CNN step (the main job's CNN, batch 64; cnn.json),
# per-kernel step profiles of S, M and L, paced against eager waits, and PyTorch on the same models.
# Each part runs under its own time limit and writes its own file under $OUT (stderr next to it), so
# a part that fails or hangs loses only itself.
#   bash ../shared/gpu/pack.sh                      # here, after npm ci
#   device run, carry [".gpu"]:  bash .gpu/run.sh bash bench/gpu-run.sh
#   then here:                   npm run -s bench -- --from-json <files_at>/webgpu-train.json (and matmul.json)
# QUICK=1 (to try the script here: `QUICK=1 bash scripts/webgpu-env.sh bash bench/gpu-run.sh`): small
# repeat counts, MLP S, one matmul and the CNN (1 step per call) only.
#   npm run -s bench -- --from-json <files_at>/cnn.json   # the CNN table
# The time limits add up to 405 s, leaving room in the device tool's 600 s per call for the browser
# bench (bench/gpu-session.sh runs both in one call).
set -u
cd "$(dirname "$0")/.."
out=${OUT:-/tmp/gpu-run}
mkdir -p "$out"
: >"$out/parts.txt"
quick=${QUICK:-}

part() { # part FILE SECONDS COMMAND...: stdout to $out/FILE, stderr to $out/FILE.err
  local file=$1 secs=$2
  shift 2
  local t0=$SECONDS
  timeout "$secs" "$@" >"$out/$file" 2>"$out/$file.err"
  local code=$?
  echo "$file: exit $code after $((SECONDS - t0)) s$([ $code = 124 ] && echo " (time limit $secs s)")" | tee -a "$out/parts.txt"
}
ts() { node --import ./scripts/register-raw.mjs --import tsx "$@"; }
export -f ts

{ date -u; nvidia-smi -L 2>/dev/null; node --version; git rev-parse --short HEAD 2>/dev/null; } >"$out/machine.txt"
if [ -n "$quick" ]; then
  part webgpu-train.json 200 bash -c 'ts bench/mlp.ts --json --quick --only S --matmul 256 --variants NT'
  part cnn.json 200 bash -c 'ts bench/mlp.ts --json --quick --only CNN --matmul none --steps 1 --repeats 1'
  part step-S.json 60 bash -c 'ts bench/step-profile.ts --model S --json'
  part paced-waits.json 60 bash -c 'ts bench/paced-waits.ts --json --steps 16 --repeats 1'
else
  # The MLPs and the matmuls in separate processes: a Dawn abort at 4096³ (../shared/gpu/README.md)
  # then loses only the matmul figures.
  part webgpu-train.json 120 bash -c 'ts bench/mlp.ts --json --only S,M,L --matmul none'
  part matmul.json 80 bash -c 'ts bench/mlp.ts --json --only none'
  part cnn.json 45 bash -c 'ts bench/mlp.ts --json --only CNN --matmul none'
  for m in S M L; do part step-$m.json 25 bash -c "ts bench/step-profile.ts --model $m --json"; done
  part paced-waits.json 25 bash -c 'ts bench/paced-waits.ts --json'
  part pytorch.json 60 python3 bench/pytorch_mlp.py
fi
cat "$out/parts.txt"
