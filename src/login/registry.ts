/** Registry host names as `docker login` and the config file see them. */
import { InputError } from '../common/runner.js';

export const DOCKER_HUB = 'docker.io';
const HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);
const HUB_KEY = 'https://index.docker.io/v1/';

const HOST =
  /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:.]+\])(?::[0-9]{1,5})?$/;

/** The host (and port) of a registry given as a host or a URL; '' for Docker Hub's defaults. */
export function registryHost(registry: string): string {
  const bare = registry.replace(/^https?:\/\//, '').replace(/\/.*$/, '');
  return bare.toLowerCase();
}

export function isDockerHub(registry: string): boolean {
  return registry === '' || HUB_ALIASES.has(registryHost(registry));
}

export function isGhcr(registry: string): boolean {
  return registryHost(registry) === 'ghcr.io';
}

/** The key of a registry's entry under `auths` in the Docker config file. */
export function authKey(registry: string): string {
  return isDockerHub(registry) ? HUB_KEY : registryHost(registry);
}

/** Checks a registry given in `input`; returns it with Docker Hub's default filled in. */
export function checkRegistry(registry: string, input: string): string {
  if (registry === '') return DOCKER_HUB;
  const bare = registry.replace(/^https?:\/\//, '').replace(/\/+$/, '');
  const host = bare.split('/')[0];
  if (!HOST.test(host) || /\s/.test(bare)) {
    throw new InputError(
      `Input "${input}" is not a registry host: "${registry}" (e.g. ghcr.io or 127.0.0.1:5000)`
    );
  }
  return registry;
}
