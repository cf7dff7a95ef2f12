#!/usr/bin/env bash
# Installs the end-to-end test stack on Debian 12: a Docker engine with the containerd image store,
# buildx, QEMU user emulation and the CNCF distribution registry. Idempotent; needs root.
set -euo pipefail

log() { printf '[e2e:install] %s\n' "$*"; }

need_apt=()
for pkg in curl runc tini iptables docker-registry apache2-utils qemu-user-static binfmt-support busybox-static tinyproxy; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need_apt+=("$pkg")
done
if [ "${#need_apt[@]}" -gt 0 ]; then
  log "installing ${need_apt[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

have_engine() {
  command -v dockerd >/dev/null 2>&1 &&
    dpkg-query -W -f='${Version}' docker.io 2>/dev/null | grep -qE '^2[6-9]\.' &&
    [ -x /usr/libexec/docker/cli-plugins/docker-buildx ]
}

if ! have_engine; then
  # bookworm's docker.io cannot build several platforms at once and has no buildx; trixie's can and
  # installs on bookworm. Fetch just those three packages without touching the system's sources.
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  mkdir -p "$work/lists/partial" "$work/debs"
  echo 'deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie main' >"$work/sources.list"
  opts=(-o "Dir::Etc::sourcelist=$work/sources.list" -o "Dir::Etc::sourceparts=-" -o "Dir::State::Lists=$work/lists")
  log "fetching containerd, docker.io and docker-buildx from trixie"
  apt-get "${opts[@]}" update -qq
  (cd "$work/debs" && apt-get "${opts[@]}" download containerd docker.io docker-buildx >/dev/null)
  log "installing $(ls "$work/debs" | tr '\n' ' ')"
  DEBIAN_FRONTEND=noninteractive dpkg -i --force-depends "$work"/debs/*.deb >/dev/null
  # trixie's docker.io names the CLI at /usr/bin/docker; keep whichever client is first on PATH working
fi

# Foreign-architecture RUN steps go through QEMU's binfmt handlers.
if [ ! -e /proc/sys/fs/binfmt_misc/register ]; then
  mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc 2>/dev/null || true
fi
update-binfmts --enable >/dev/null 2>&1 || true

# An arm64 busybox for the test base images (amd64's comes from busybox-static above).
cache=${E2E_CACHE:-/var/cache/e2e-stack}
mkdir -p "$cache"
if [ ! -s "$cache/busybox-arm64.deb" ]; then
  if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    dpkg --add-architecture arm64
  fi
  apt-get update -qq
  (cd "$cache" && apt-get download -qq busybox-static:arm64 >/dev/null && mv busybox-static_*_arm64.deb busybox-arm64.deb)
fi
log "ready: $(dockerd --version)"
