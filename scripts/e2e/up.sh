#!/usr/bin/env bash
# Starts the end-to-end stack: a private Docker engine (its own dockerd and containerd, data root,
# exec root, pid file, socket and configuration; the system's Docker, if any, is left alone) and two
# password-protected OCI registries on 127.0.0.1 standing in for GHCR and Docker Hub, then builds
# the local base image e2e-base in that engine. Idempotent: what already answers is reused.
# The engine is chosen by E2E_ENGINE and E2E_STORE (see env.sh); `eval "$(bash scripts/e2e/env.sh)"`
# points a shell at it.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/env.sh"
log() { printf '[e2e:up] %s\n' "$*"; }

bash "$here/install.sh" "$E2E_ENGINE"
mkdir -p "$E2E_STATE" "$E2E_RUN"

# --- the private Docker engine ---------------------------------------------------------------------
# Its own bridge (RUN steps get a network namespace on it) and no iptables rules: the system's
# docker0 and firewall stay as they are. Pushes leave from dockerd itself, on the host's network.
snapshotter=true
[ "$E2E_STORE" != classic ] || snapshotter=false
if ! ip link show "$E2E_BRIDGE" >/dev/null 2>&1; then
  ip link add "$E2E_BRIDGE" type bridge
  ip addr add "$E2E_BRIDGE_CIDR" dev "$E2E_BRIDGE"
fi
ip link set "$E2E_BRIDGE" up
echo "$E2E_BRIDGE" >"$E2E_RUN/bridge"
cat >"$E2E_STATE/daemon.json.new" <<JSON
{
  "data-root": "$E2E_STATE/data",
  "exec-root": "$E2E_RUN",
  "pidfile": "$E2E_RUN/dockerd.pid",
  "hosts": ["$DOCKER_HOST"],
  "features": { "containerd-snapshotter": $snapshotter },
  "bridge": "$E2E_BRIDGE",
  "iptables": false,
  "ip6tables": false,
  "ip-masq": false
}
JSON
mv "$E2E_STATE/daemon.json.new" "$E2E_STATE/daemon.json"

engine_pid() { # the pid of this engine's running dockerd, from its pid file
  local pid
  pid=$(cat "$E2E_RUN/dockerd.pid" 2>/dev/null) || return 1
  [ "$(readlink -f "/proc/$pid/exe" 2>/dev/null)" = "$(readlink -f "$E2E_BIN/dockerd")" ] || return 1
  echo "$pid"
}

if ! docker version >/dev/null 2>&1; then
  if pid=$(engine_pid); then
    log "waiting for dockerd $pid ($E2E_INSTANCE)"
  else
    rm -f "$E2E_RUN/dockerd.pid" # left by a dockerd that was killed
    log "starting dockerd ($E2E_INSTANCE, $("$E2E_BIN/dockerd" --version | awk '{print $3}' | tr -d ,)) on $DOCKER_HOST"
    # dockerd finds its containerd, shim and runc on PATH: this engine's.
    nohup dockerd --config-file "$E2E_STATE/daemon.json" >"$E2E_STATE/dockerd.log" 2>&1 &
    pid=$!
  fi
  for _ in $(seq 1 120); do
    docker version >/dev/null 2>&1 && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.25
  done
  if ! docker version >/dev/null 2>&1; then
    tail -20 "$E2E_STATE/dockerd.log" >&2
    kill "$pid" 2>/dev/null || true
    echo "dockerd ($E2E_INSTANCE) did not start; its log: $E2E_STATE/dockerd.log" >&2
    exit 1
  fi
fi

# RUN steps of linux/arm64 images run through QEMU; without the handler they fail with "exec format error".
[ -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ] || { echo "no binfmt handler for arm64 (qemu-aarch64)" >&2; exit 1; }

# --- registries: shared by every engine ------------------------------------------------------------
start_registry() { # name port
  local name=$1 port=$2 dir="$E2E_ROOT/registries/$1"
  if curl -sS -o /dev/null "http://127.0.0.1:$port/v2/" 2>/dev/null; then
    return 0
  fi
  mkdir -p "$dir/data"
  htpasswd -Bbn "$E2E_USER" "$E2E_PASSWORD" >"$dir/htpasswd"
  cat >"$dir/config.yml" <<YAML
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $dir/data
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$port
auth:
  htpasswd:
    realm: $name
    path: $dir/htpasswd
YAML
  log "starting registry $name on 127.0.0.1:$port"
  nohup docker-registry serve "$dir/config.yml" >"$dir/registry.log" 2>&1 &
  echo $! >"$dir/pid"
  for _ in $(seq 1 40); do curl -sS -o /dev/null "http://127.0.0.1:$port/v2/" 2>/dev/null && return 0; sleep 0.25; done
  cat "$dir/registry.log" >&2
  echo "registry $name did not start" >&2
  return 1
}
start_registry ghcr "$E2E_GHCR_PORT"
start_registry hub "$E2E_HUB_PORT"

# --- base image: busybox for linux/amd64 and linux/arm64 as the local multi-platform e2e-base ---
# Nothing can be pulled here, so test Dockerfiles start FROM e2e-base (a shell and coreutils). The
# classic image store holds one platform per image: there it is linux/amd64 only.
if ! docker image inspect e2e-base:latest >/dev/null 2>&1; then
  arches=(amd64 arm64)
  [ "$E2E_STORE" != classic ] || arches=(amd64)
  ctx=$(mktemp -d)
  for arch in "${arches[@]}"; do
    mkdir -p "$ctx/rootfs-$arch/bin"
    if [ "$arch" = amd64 ]; then
      cp /bin/busybox "$ctx/rootfs-$arch/bin/busybox"
    else
      cp "$E2E_CACHE/busybox-arm64/bin/busybox" "$ctx/rootfs-$arch/bin/busybox"
    fi
    for cmd in sh ls cat echo uname mkdir cp rm true date sleep env wc head timeout; do ln -sf busybox "$ctx/rootfs-$arch/bin/$cmd"; done
  done
  printf 'FROM scratch\nARG TARGETARCH\nCOPY rootfs-${TARGETARCH}/ /\nCMD ["/bin/sh"]\n' >"$ctx/Dockerfile"
  platforms=$(printf 'linux/%s,' "${arches[@]}")
  docker buildx build --quiet --provenance=false --platform "${platforms%,}" -t e2e-base:latest --load "$ctx" >/dev/null
  rm -rf "$ctx"
  log "built e2e-base:latest (${platforms%,})"
fi
log "ready: $E2E_INSTANCE dockerd $(docker version -f '{{.Server.Version}}'), buildx $(docker buildx version | awk '{print $2}'), registries 127.0.0.1:$E2E_GHCR_PORT (ghcr) 127.0.0.1:$E2E_HUB_PORT (hub); DOCKER_HOST=$DOCKER_HOST"
