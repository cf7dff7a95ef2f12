/**
 * The registries the pipeline logs in to: the ones the user listed (registry/username/password or
 * registry-auth), GHCR with the github-token when an image lives there, and Docker Hub with the
 * dockerhub-* inputs. Expressed as one registry-auth list so the login stage checks them all alike.
 */
import { parseRegistryAuth } from '../login/inputs.js';
import { registryOf } from './images.js';

export interface AuthEntry {
  registry: string;
  username?: string;
  password?: string;
}

export interface LoginSources {
  images: string[];
  registry: string;
  username: string;
  password: string;
  registryAuth: string;
  dockerhubUsername: string;
  dockerhubToken: string;
}

const DOCKER_HUB = ['docker.io', 'registry-1.docker.io', 'index.docker.io'];
const key = (registry: string) => (DOCKER_HUB.includes(registry) ? 'docker.io' : registry);

export function loginEntries(s: LoginSources): AuthEntry[] {
  const entries: AuthEntry[] = parseRegistryAuth(s.registryAuth || '[]');
  if (s.registry || s.username || s.password) {
    entries.push({ registry: s.registry || 'docker.io', username: s.username, password: s.password });
  }
  const listed = new Set(entries.map(e => key(e.registry || 'docker.io')));
  const registries = new Set(s.images.map(registryOf));
  if (registries.has('ghcr.io') && !listed.has('ghcr.io')) entries.push({ registry: 'ghcr.io' });
  if (s.dockerhubUsername && !listed.has('docker.io')) {
    entries.push({ registry: 'docker.io', username: s.dockerhubUsername, password: s.dockerhubToken });
  }
  return entries;
}
