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
# dockerd by the pid up.sh recorded (else the dockerd running); it stops the containerd it started.
pids=$(cat "$E2E_STATE/dockerd.pid" 2>/dev/null || pgrep -x dockerd || true)
for pid in $pids; do
  kill "$pid" 2>/dev/null
  for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
done
rm -f "$E2E_STATE/dockerd.pid"
echo "[e2e:down] stopped"
