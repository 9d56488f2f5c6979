#!/usr/bin/env bash
# Builds dist/vigil (host) and dist/vigil-linux-arm64: single files with everything embedded.
# Pass --host-only to skip the cross build.
set -euo pipefail
cd "$(dirname "$0")"
[ -x node_modules/.bin/bun ] || npm install --no-audit --no-fund
exec node_modules/.bin/bun run scripts/build.ts "$@"
