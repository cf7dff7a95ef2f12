#!/usr/bin/env bash
# Starts the end-to-end stack: dockerd (containerd image store, buildx) and two password-protected
# OCI registries on 127.0.0.1 standing in for GHCR and Docker Hub. Idempotent.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/env.sh"
log() { printf '[e2e:up] %s\n' "$*"; }

bash "$here/install.sh"
mkdir -p "$E2E_STATE"

# --- Docker engine -------------------------------------------------------------------------
mkdir -p /etc/docker
want='{"features":{"containerd-snapshotter":true}}'
if [ "$(cat /etc/docker/daemon.json 2>/dev/null)" != "$want" ]; then
  echo "$want" >/etc/docker/daemon.json
  pkill -x dockerd 2>/dev/null && sleep 2 || true
fi
if ! docker info >/dev/null 2>&1; then
  log "starting dockerd"
  # A dockerd killed without its clean-up (a session that ended) leaves its pid file behind.
  if [ -f /var/run/docker.pid ]; then
    stale=$(cat /var/run/docker.pid)
    if [ "$(cat "/proc/$stale/comm" 2>/dev/null)" != dockerd ] || grep -q '^State:.*Z' "/proc/$stale/status" 2>/dev/null; then
      rm -f /var/run/docker.pid
    fi
  fi
  nohup dockerd >"$E2E_STATE/dockerd.log" 2>&1 &
  echo $! >"$E2E_STATE/dockerd.pid"
  for _ in $(seq 1 120); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
  docker info >/dev/null 2>&1 || { tail -20 "$E2E_STATE/dockerd.log"; echo "dockerd did not start" >&2; exit 1; }
fi

# RUN steps of linux/arm64 images run through QEMU; without the handler they fail with "exec format error".
if [ ! -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ]; then
  update-binfmts --enable qemu-aarch64 >/dev/null 2>&1 || true
  [ -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ] || { echo "no binfmt handler for arm64 (qemu-aarch64)" >&2; exit 1; }
fi

# --- registries ----------------------------------------------------------------------------
start_registry() { # name port
  local name=$1 port=$2 dir="$E2E_STATE/registry-$1"
  if curl -fsS -o /dev/null -w '' "http://127.0.0.1:$port/" 2>/dev/null || curl -sS -o /dev/null "http://127.0.0.1:$port/v2/" 2>/dev/null; then
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
# Nothing can be pulled here, so test Dockerfiles start FROM e2e-base (a shell and coreutils).
cache=${E2E_CACHE:-/var/cache/e2e-stack}
if ! docker image inspect e2e-base:latest >/dev/null 2>&1; then
  ctx=$(mktemp -d)
  for arch in amd64 arm64; do
    mkdir -p "$ctx/rootfs-$arch/bin"
    if [ "$arch" = amd64 ]; then
      cp /bin/busybox "$ctx/rootfs-$arch/bin/busybox"
    else
      dpkg-deb -x "$cache/busybox-arm64.deb" "$ctx/pkg" && cp "$ctx/pkg/bin/busybox" "$ctx/rootfs-$arch/bin/busybox" && rm -rf "$ctx/pkg"
    fi
    for cmd in sh ls cat echo uname mkdir cp rm true date sleep env wc head; do ln -sf busybox "$ctx/rootfs-$arch/bin/$cmd"; done
  done
  printf 'FROM scratch\nARG TARGETARCH\nCOPY rootfs-${TARGETARCH}/ /\nCMD ["/bin/sh"]\n' >"$ctx/Dockerfile"
  docker buildx build --quiet --provenance=false --platform linux/amd64,linux/arm64 -t e2e-base:latest --load "$ctx" >/dev/null
  rm -rf "$ctx"
  log "built e2e-base:latest (linux/amd64, linux/arm64)"
fi
log "ready: dockerd $(docker version -f '{{.Server.Version}}'), buildx $(docker buildx version | awk '{print $2}'), registries 127.0.0.1:$E2E_GHCR_PORT (ghcr) 127.0.0.1:$E2E_HUB_PORT (hub)"
