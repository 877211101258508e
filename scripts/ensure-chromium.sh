#!/usr/bin/env bash
# Runs "$@" once a Chromium for the e2e suite is there: $CHROME_PATH when set, else Debian's
# /usr/bin/chromium, installed with apt-get when missing (a fresh CI machine has none, and
# `npx playwright install` cannot download here). Exports CHROME_PATH for e2e/browser.ts.
set -euo pipefail
chrome="${CHROME_PATH:-/usr/bin/chromium}"
if [ ! -x "$chrome" ]; then
  if [ -n "${CHROME_PATH:-}" ]; then
    echo "ensure-chromium: CHROME_PATH=$CHROME_PATH is not an executable" >&2
    exit 1
  fi
  echo "ensure-chromium: installing Debian's chromium for the e2e tests" >&2
  sudo=""
  if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi
if [ ! -x "$chrome" ]; then
  echo "ensure-chromium: no Chromium at $chrome; install it (apt-get install chromium) or set CHROME_PATH" >&2
  exit 1
fi
export CHROME_PATH="$chrome"
exec "$@"
