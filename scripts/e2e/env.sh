# Settings of the end-to-end stack, sourced by install.sh, up.sh and down.sh. Run as a script, it
# prints them as `export` lines for a shell, eval "$(bash scripts/e2e/env.sh)", or with --env0 as
# NUL-separated NAME=value pairs for a program (the e2e tests' action-runner).
#   E2E_ENGINE  forky (default: the Docker generation of GitHub's runners) or trixie (the oldest
#               buildx supported); each has its own binaries, daemon, socket and state
#   E2E_STORE   containerd (default: the containerd image store) or classic (a daemon without it)
#   E2E_GHCR_PORT, E2E_HUB_PORT  the registries standing in for GHCR and Docker Hub (5001, 5002)
E2E_ROOT=${E2E_ROOT:-/var/lib/push-to-image}
E2E_CACHE=${E2E_CACHE:-/var/cache/push-to-image}
E2E_ENGINE=${E2E_ENGINE:-forky}
E2E_STORE=${E2E_STORE:-containerd}
E2E_INSTANCE=$E2E_ENGINE
[ "$E2E_STORE" != classic ] || E2E_INSTANCE=$E2E_ENGINE-classic
E2E_STATE=$E2E_ROOT/state/$E2E_INSTANCE
E2E_RUN=${E2E_RUN_ROOT:-/run/push-to-image}/$E2E_INSTANCE
E2E_BIN=$E2E_ROOT/engines/$E2E_ENGINE/bin
# The engine's docker CLI plugins (buildx): linked as cli-plugins into every DOCKER_CONFIG it uses.
E2E_PLUGINS=$E2E_ROOT/engines/$E2E_ENGINE/cli-plugins
# The engine's own network bridge (not docker0) and its address.
case $E2E_INSTANCE in
  forky) E2E_BRIDGE=p2i-forky E2E_BRIDGE_CIDR=${E2E_BRIDGE_CIDR:-10.213.1.1/24} ;;
  trixie) E2E_BRIDGE=p2i-trixie E2E_BRIDGE_CIDR=${E2E_BRIDGE_CIDR:-10.213.2.1/24} ;;
  *) E2E_BRIDGE=p2i-$E2E_INSTANCE E2E_BRIDGE_CIDR=${E2E_BRIDGE_CIDR:-10.213.3.1/24} ;;
esac
E2E_BRIDGE=${E2E_BRIDGE:0:15}
E2E_GHCR_PORT=${E2E_GHCR_PORT:-5001}
E2E_HUB_PORT=${E2E_HUB_PORT:-5002}
E2E_USER=${E2E_USER:-e2e-user}
E2E_PASSWORD=${E2E_PASSWORD:-e2e-password}
# What the tests and the demo talk to: this engine only, through its own CLI and buildx.
DOCKER_HOST=unix://$E2E_RUN/docker.sock
DOCKER_CONFIG=$E2E_STATE/docker-config
# PATH: this engine's bin first (another generation's taken out), then the tools.
PATH=$(printf %s "$PATH" | tr : '\n' | grep -v "^$E2E_ROOT/" | paste -sd: -)
PATH=$E2E_BIN:$E2E_ROOT/tools/bin:$PATH
export E2E_ROOT E2E_CACHE E2E_ENGINE E2E_STORE E2E_PLUGINS E2E_GHCR_PORT E2E_HUB_PORT E2E_USER E2E_PASSWORD DOCKER_HOST DOCKER_CONFIG PATH
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  for name in E2E_ROOT E2E_CACHE E2E_ENGINE E2E_STORE E2E_PLUGINS E2E_GHCR_PORT E2E_HUB_PORT E2E_USER E2E_PASSWORD DOCKER_HOST DOCKER_CONFIG PATH; do
    if [ "${1:-}" = --env0 ]; then printf '%s=%s\0' "$name" "${!name}"; else printf 'export %s=%q\n' "$name" "${!name}"; fi
  done
fi
