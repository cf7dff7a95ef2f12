# Shared settings of the end-to-end stack (sourced by up.sh and down.sh).
E2E_STATE=${E2E_STATE:-/var/lib/e2e-stack}
E2E_GHCR_PORT=${E2E_GHCR_PORT:-5001}
E2E_HUB_PORT=${E2E_HUB_PORT:-5002}
E2E_USER=${E2E_USER:-e2e-user}
E2E_PASSWORD=${E2E_PASSWORD:-e2e-password}
