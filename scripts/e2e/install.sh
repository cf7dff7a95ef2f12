#!/usr/bin/env bash
# Installs the end-to-end stack's parts into private folders, leaving the machine's own Docker (if
# any) alone: no docker package is installed on the system. For each engine generation the Debian
# packages are unpacked with `dpkg-deb -x` into $E2E_ROOT/engines/<generation>:
#   forky   containerd 2.1, docker.io 28.5, docker-buildx 0.29 (what GitHub's runners ship)
#   trixie  containerd 1.7, docker.io 26.1, docker-buildx 0.13.1 (the oldest buildx supported)
# both with bookworm's runc (forky's needs a newer glibc). The registry and the tools the tests call
# go to $E2E_ROOT/tools/bin. From the system only QEMU's user emulation (binfmt handlers are the
# kernel's, one set for everyone), busybox-static and apache2-utils (htpasswd) are installed.
# The Debian archive's address is the machine's own (its apt sources). Idempotent; needs root.
# Usage: install.sh [generation...]   (default: $E2E_ENGINE)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/env.sh"
log() { printf '[e2e:install] %s\n' "$*"; }

generations=("$@")
[ "${#generations[@]}" -gt 0 ] || generations=("$E2E_ENGINE")

# --- system packages: emulation and small tools, none of them Docker -------------------------------
need_apt=()
for pkg in curl qemu-user-static binfmt-support busybox-static apache2-utils tinyproxy-bin; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need_apt+=("$pkg")
done
if [ "${#need_apt[@]}" -gt 0 ]; then
  log "installing ${need_apt[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

# --- Debian packages of other releases, fetched without touching the system's apt sources ----------
# The archive's address: the first URIs: of a deb822 source, else the first `deb` line.
archive() {
  local uri
  uri=$(awk 'tolower($1)=="uris:" && $2 !~ /security/ {print $2; exit}' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
  [ -n "$uri" ] || uri=$(awk '$1=="deb" {for (i=2;i<=NF;i++) if ($i ~ /^[a-z]+:\/\//) {print $i; exit}}' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | grep -v security | head -1 || true)
  [ -n "$uri" ] || { echo "no Debian archive in the apt sources (/etc/apt/sources.list.d/*.sources, /etc/apt/sources.list)" >&2; exit 1; }
  echo "${uri%/}"
}

# fetch SUITE PACKAGE... : the .deb files (architecture-qualified names allowed) into $E2E_CACHE/debs/SUITE
fetch() {
  local suite=$1 lists="$E2E_CACHE/apt/$1" debs="$E2E_CACHE/debs/$1"
  shift
  mkdir -p "$lists/lists/partial" "$debs"
  local opts=(-o "Dir::Etc::sourcelist=$lists/sources.list" -o "Dir::Etc::sourceparts=-"
    -o "Dir::State::Lists=$lists/lists" -o "Dir::Cache=$lists/cache" -o "APT::Get::List-Cleanup=0" -o "APT::Sandbox::User=root"
    -o "APT::Architectures::=$(dpkg --print-architecture)")
  [ "$suite" != bookworm ] || opts+=(-o "APT::Architectures::=arm64") # the arm64 busybox
  local missing=()
  for pkg in "$@"; do
    compgen -G "$debs/${pkg%%:*}_*_$(arch_of "$pkg").deb" >/dev/null || missing+=("$pkg")
  done
  [ "${#missing[@]}" -gt 0 ] || return 0
  if [ ! -s "$lists/updated" ]; then
    echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $(archive) $suite main" >"$lists/sources.list"
    log "reading the $suite package lists"
    mkdir -p "$lists/cache/archives/partial"
    apt-get "${opts[@]}" update -qq
    date >"$lists/updated"
  fi
  log "fetching ${missing[*]} ($suite)"
  (cd "$debs" && apt-get "${opts[@]}" download -qq "${missing[@]}" >/dev/null)
}
arch_of() { case $1 in *:*) echo "${1#*:}" ;; *) dpkg --print-architecture ;; esac; }

# unpack SUITE PREFIX PACKAGE... : the fetched packages' files under PREFIX
unpack() {
  local suite=$1 prefix=$2 pkg
  shift 2
  mkdir -p "$prefix"
  for pkg in "$@"; do
    dpkg-deb -x "$(compgen -G "$E2E_CACHE/debs/$suite/${pkg%%:*}_*_$(arch_of "$pkg").deb" | head -1)" "$prefix"
  done
}

# --- the tools: the registry, and Debian packages from forky the tests call ------------------------
tools=$E2E_ROOT/tools
if [ ! -x "$tools/bin/docker-registry" ]; then
  fetch bookworm docker-registry
  unpack bookworm "$tools/root" docker-registry
  mkdir -p "$tools/bin"
  ln -sfn ../root/usr/bin/docker-registry "$tools/bin/docker-registry"
fi
# Extra command-line tools from forky for the tests, unpacked into $tools/bin: add packages here.
FORKY_TOOLS=(cosign crane)
for pkg in "${FORKY_TOOLS[@]}"; do
  [ -e "$tools/installed/$pkg" ] && continue
  fetch forky "$pkg"
  unpack forky "$tools/root" "$pkg"
  mkdir -p "$tools/bin" "$tools/installed"
  for exe in "$tools"/root/usr/bin/*; do ln -sfn "../root/usr/bin/$(basename "$exe")" "$tools/bin/"; done
  touch "$tools/installed/$pkg"
done

# --- the engines ------------------------------------------------------------------------------------
for gen in "${generations[@]}"; do
  case $gen in
    forky | trixie) ;;
    *) echo "unknown engine generation \"$gen\" (forky or trixie)" >&2; exit 1 ;;
  esac
  prefix=$E2E_ROOT/engines/$gen
  [ -x "$prefix/bin/dockerd" ] && continue
  pkgs=(containerd docker.io docker-cli docker-buildx)
  fetch "$gen" "${pkgs[@]}"
  fetch bookworm runc
  rm -rf "$prefix.tmp"
  unpack "$gen" "$prefix.tmp" "${pkgs[@]}"
  unpack bookworm "$prefix.tmp" runc
  # bin/: what dockerd and the tests find on PATH. The docker CLI finds buildx through the config
  # folder's cli-plugins (see bin/docker).
  mkdir -p "$prefix.tmp/bin" "$prefix.tmp/cli-plugins"
  for exe in dockerd docker-proxy containerd containerd-shim-runc-v2 ctr runc; do
    for dir in usr/bin usr/sbin usr/libexec/docker; do
      [ -x "$prefix.tmp/$dir/$exe" ] && { ln -sfn "../$dir/$exe" "$prefix.tmp/bin/$exe"; break; }
    done
  done
  ln -sfn ../usr/libexec/docker/cli-plugins/docker-buildx "$prefix.tmp/cli-plugins/docker-buildx"
  cat >"$prefix.tmp/bin/docker" <<'SH'
#!/bin/sh
# This engine's docker CLI. The CLI looks for plugins in $DOCKER_CONFIG/cli-plugins before the
# system's folders: a private config folder without one gets this engine's plugins linked in, so
# `docker buildx` is this engine's buildx whatever else the machine has installed.
here=$(dirname "$(readlink -f "$0")")
if [ -n "${DOCKER_CONFIG:-}" ] && [ ! -e "$DOCKER_CONFIG/cli-plugins" ]; then
  mkdir -p "$DOCKER_CONFIG" && ln -sn "$here/../cli-plugins" "$DOCKER_CONFIG/cli-plugins" 2>/dev/null
fi
exec "$here/../usr/bin/docker" "$@"
SH
  chmod +x "$prefix.tmp/bin/docker"
  rm -rf "$prefix"
  mv "$prefix.tmp" "$prefix"
  log "$gen: $("$prefix/bin/dockerd" --version)"
done

# --- QEMU: foreign-architecture RUN steps go through the kernel's binfmt handlers ------------------
if [ ! -e /proc/sys/fs/binfmt_misc/register ]; then
  mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc 2>/dev/null || true
fi
[ -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ] || update-binfmts --enable qemu-aarch64 >/dev/null 2>&1 || true

# --- an arm64 busybox for the test base image (amd64's comes from busybox-static above) -------------
if [ ! -s "$E2E_CACHE/busybox-arm64/bin/busybox" ]; then
  fetch bookworm busybox-static:arm64
  unpack bookworm "$E2E_CACHE/busybox-arm64" busybox-static:arm64
fi
