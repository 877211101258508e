#!/usr/bin/env bash
# `npm test`: the unit suite (Node + Dawn) and then the e2e suite (headless Chromium), both run
# even when the first fails, so one CI log shows everything; exits non-zero if either failed.
set -uo pipefail
npm run --silent test:unit
unit=$?
npm run --silent test:e2e
e2e=$?
echo "npm test: unit $([ $unit = 0 ] && echo passed || echo "FAILED ($unit)"), e2e $([ $e2e = 0 ] && echo passed || echo "FAILED ($e2e)")"
[ $unit = 0 ] && [ $e2e = 0 ]
