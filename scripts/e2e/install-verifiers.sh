#!/usr/bin/env bash
# Installs the independent verifiers the end-to-end tests check signatures with: cosign (3.x) and
# crane from Debian forky, which need only libc6 >= 2.34 and run on Debian 12. They are unpacked
# into a folder of their own (default /opt/e2e-verifiers, E2E_VERIFIERS to change it), without
# touching the system's packages or apt sources. Idempotent; needs root for apt's cache.
set -euo pipefail

log() { printf '[e2e:verifiers] %s\n' "$*"; }

dest=${E2E_VERIFIERS:-/opt/e2e-verifiers}
if [ -x "$dest/usr/bin/cosign" ] && [ -x "$dest/usr/bin/crane" ] && "$dest/usr/bin/cosign" version >/dev/null 2>&1; then
  log "ready: $dest/usr/bin/cosign"
  exit 0
fi

# The archive's address comes from the machine's own apt sources.
archive=$(sed -n 's/^URIs:[[:space:]]*//p' /etc/apt/sources.list.d/*.sources 2>/dev/null | tr ' ' '\n' | grep -v security | head -n1 || true)
if [ -z "$archive" ] && [ -f /etc/apt/sources.list ]; then
  archive=$(awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; exit } }' /etc/apt/sources.list | grep -v security | head -n1 || true)
fi
[ -n "$archive" ] || { log "no Debian archive found in the apt sources"; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lists/partial" "$work/debs" "$dest"
echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $archive forky main" >"$work/sources.list"
opts=(-o "Dir::Etc::sourcelist=$work/sources.list" -o "Dir::Etc::sourceparts=-" -o "Dir::State::Lists=$work/lists")
log "fetching cosign and crane from forky"
apt-get "${opts[@]}" update -qq
(cd "$work/debs" && apt-get "${opts[@]}" download cosign crane >/dev/null)
for deb in "$work"/debs/*.deb; do dpkg-deb -x "$deb" "$dest"; done
chmod -R a+rX "$dest"
log "ready: $(ls "$dest"/usr/bin)"
