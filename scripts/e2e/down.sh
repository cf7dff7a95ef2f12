#!/usr/bin/env bash
# Stops what up.sh started, by the pids it recorded: every private engine's dockerd (which stops its
# own containerd) and the registries. Installed parts and state stay. Nothing else is touched.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/env.sh"

# stop PID EXE: SIGTERM to PID if it runs EXE, then wait for it to end
stop() {
  local pid=$1 exe=$2
  [ -n "$pid" ] && [ "$(readlink -f "/proc/$pid/exe" 2>/dev/null)" = "$(readlink -f "$exe")" ] || return 0
  kill "$pid" 2>/dev/null
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.25; done
  echo "[e2e:down] $exe ($pid) did not stop" >&2
}

run_root=$(dirname "$E2E_RUN")
for pidfile in "$run_root"/*/dockerd.pid; do
  [ -f "$pidfile" ] || continue
  instance=$(basename "$(dirname "$pidfile")")
  stop "$(cat "$pidfile")" "$E2E_ROOT/engines/${instance%-classic}/bin/dockerd"
  rm -f "$pidfile"
  # The bridge up.sh made for this engine.
  bridge=$(cat "$run_root/$instance/bridge" 2>/dev/null) && ip link del "$bridge" 2>/dev/null
  rm -f "$run_root/$instance/bridge"
  echo "[e2e:down] stopped dockerd ($instance)"
done
for pidfile in "$E2E_ROOT"/registries/*/pid; do
  [ -f "$pidfile" ] || continue
  stop "$(cat "$pidfile")" "$E2E_ROOT/tools/bin/docker-registry"
  rm -f "$pidfile"
  echo "[e2e:down] stopped registry $(basename "$(dirname "$pidfile")")"
done
