#!/usr/bin/env bash
# Stops what up.sh started: the registries and dockerd. Installed packages stay.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/env.sh"
for pidfile in "$E2E_STATE"/registry-*/pid; do
  [ -f "$pidfile" ] || continue
  kill "$(cat "$pidfile")" 2>/dev/null
  rm -f "$pidfile"
done
pkill -x dockerd 2>/dev/null
for _ in $(seq 1 40); do pgrep -x dockerd >/dev/null || break; sleep 0.25; done
pkill -x containerd 2>/dev/null
echo "[e2e:down] stopped"
