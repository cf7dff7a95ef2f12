/**
 * The registries the pipeline logs in to: the ones the user listed (registry/username/password or
 * registry-auth), GHCR with the github-token when an image lives there, and Docker Hub with the
 * dockerhub-* inputs. Expressed as one registry-auth list so the login stage checks them all alike.
 */
import { parseRegistryAuth } from '../login/inputs.js';
import { authKey, registryOf } from '../common/reference.js';

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

export function loginEntries(s: LoginSources): AuthEntry[] {
  const entries: AuthEntry[] = parseRegistryAuth(s.registryAuth || '[]');
  if (s.registry || s.username || s.password) {
    entries.push({ registry: s.registry || 'docker.io', username: s.username, password: s.password });
  }
  const listed = new Set(entries.map(e => authKey(e.registry)));
  const registries = new Set(s.images.map(registryOf));
  if (registries.has('ghcr.io') && !listed.has(authKey('ghcr.io'))) entries.push({ registry: 'ghcr.io' });
  if (s.dockerhubUsername && !listed.has(authKey('docker.io'))) {
    entries.push({ registry: 'docker.io', username: s.dockerhubUsername, password: s.dockerhubToken });
  }
  return entries;
}
