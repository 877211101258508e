#!/usr/bin/env bash
# Runs "$@" with a WebGPU implementation reachable from Node (Dawn from the `webgpu` package).
# On a machine without a GPU driver, Dawn needs a Vulkan loader and a Vulkan driver: Debian's
# `chromium` package ships both (libvulkan.so.1 and SwiftShader, a CPU Vulkan). This script installs
# chromium when it is missing (apt-get, needs root) and points Vulkan at SwiftShader, unless the caller
# already chose a driver (VK_ICD_FILENAMES / VK_DRIVER_FILES, as on the GPU machine).
set -euo pipefail
chromium_dir=/usr/lib/chromium
need_swiftshader=1
if [ -n "${VK_ICD_FILENAMES:-}${VK_DRIVER_FILES:-}" ]; then need_swiftshader=0; fi
if [ "$need_swiftshader" = 1 ]; then
  if [ ! -f "$chromium_dir/vk_swiftshader_icd.json" ]; then
    echo "webgpu-env: installing Debian's chromium (for its SwiftShader Vulkan driver)" >&2
    if [ "$(id -u)" = 0 ]; then
      (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null 2>&1 || true
    else
      (sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null 2>&1 || true
    fi
  fi
  if [ -f "$chromium_dir/vk_swiftshader_icd.json" ]; then
    export VK_ICD_FILENAMES="$chromium_dir/vk_swiftshader_icd.json"
  else
    echo "webgpu-env: no Vulkan driver found and chromium could not be installed; install Debian's chromium (apt-get install chromium) or a GPU driver" >&2
  fi
fi
# Dawn dlopens libvulkan.so.1: use chromium's copy when the system has none.
if ! ldconfig -p 2>/dev/null | grep -q 'libvulkan.so.1 ' && [ -f "$chromium_dir/libvulkan.so.1" ]; then
  export LD_LIBRARY_PATH="$chromium_dir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi
exec "$@"
