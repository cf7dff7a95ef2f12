/**
 * Registry credentials the Docker client holds inline in its config (`auths.<host>.auth`, or an
 * `identitytoken`), as a login step or `docker login` wrote them.
 */
import { configPath, inlineEntry, readConfig } from '../docker-config.js';
import { authKey } from '../reference.js';
import type { Credentials } from './auth.js';

/** The inline credentials for `registry` in the Docker config, if any. */
export function dockerConfigCredentials(
  registry: string,
  env: NodeJS.ProcessEnv = process.env
): Credentials | undefined {
  const entry = inlineEntry(readConfig(configPath(env)), authKey(registry));
  if (!entry) return undefined;
  const [username, ...rest] = Buffer.from(entry.auth ?? '', 'base64')
    .toString('utf8')
    .split(':');
  return { username, password: entry.identitytoken ?? rest.join(':') };
}
