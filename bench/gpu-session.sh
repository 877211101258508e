#!/usr/bin/env bash
# The standing GPU measurement in one device call (bench/RESULTS.md, "the GPU machine"): every Node
# part of bench/gpu-run.sh (at most 405 s), then the browser bench page (MLP S and the main job's CNN
# against TF.js) in real Chromium on the GPU with what time is left of `BUDGET` seconds (default 585).
# Before it, on this machine: npm run bench:browser:build; bash ../shared/gpu/pack.sh;
# bash ../shared/gpu/pack-chromium.sh. Then three device calls, back to back:
#   carry [".gpu-chromium-1"]: bash .gpu-chromium-1/stage.sh
#   carry [".gpu-chromium-2"]: bash .gpu-chromium-2/stage.sh
#   carry [".gpu", ".gpu-chromium-3", "bench/browser/dist"]: bash .gpu/run.sh bash bench/gpu-session.sh
# Everything comes back as $OUT/all.tgz; the page's console is browser.txt in it; its BENCH_RESULT line holds the JSON
# (npm run -s bench -- --from-json FILE tabulates it once the prefix is cut off).
set -u
cd "$(dirname "$0")/.."
# A device call returns at most 8 files from $OUT, and the parts write 17: they go to $work, and $OUT
# gets one archive of them (all.tgz) at the end.
out=${OUT:-/tmp/gpu-run}
work=/tmp/gpu-session
rm -rf "$work"; mkdir -p "$out" "$work"
budget=${BUDGET:-585}
t0=$SECONDS
OUT=$work bash bench/gpu-run.sh
left=$((budget - (SECONDS - t0)))
echo "gpu-session: Node parts took $((SECONDS - t0)) s; ${left} s left for the browser"
if [ ! -f .gpu-chromium-3/run.sh ] || [ ! -f bench/browser/dist/index.html ]; then
  echo "gpu-session: no .gpu-chromium-3 or bench/browser/dist: browser bench skipped"; tar czf "$out/all.tgz" -C "$work" .; exit 0
fi
[ "$left" -ge 60 ] || { echo "gpu-session: under 60 s left: browser bench skipped"; tar czf "$out/all.tgz" -C "$work" .; exit 0; }
# The main job's CNN as benched (scripts/mnist-cnn.ts MNIST_CNN_BENCH_LAYERS) as the page's ?cnnLayers=.
layers=$(node --import tsx -e "import('./scripts/mnist-cnn.ts').then((m) => console.log(encodeURIComponent(JSON.stringify(m.MNIST_CNN_BENCH_LAYERS))))")
bash .gpu-chromium-3/run.sh bench/browser/dist "index.html?close=1&cnnLayers=$layers" "$left" >"$work/browser.txt" 2>&1
echo "gpu-session: browser exit $? after $((SECONDS - t0)) s in all"
grep -a -v '^BENCH_RESULT' "$work/browser.txt" | tail -40
tar czf "$out/all.tgz" -C "$work" .
