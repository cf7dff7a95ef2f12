/**
 * The secrets among the login inputs, to mask before anything is printed: `password`,
 * `github-token`, every password in `registry-auth`, and the `auth` value (base64 of
 * `user:password`) that `docker login` writes into the config for each of them; in the root action
 * also `dockerhub-token`.
 */
import { basicAuth } from '../common/docker-config.js';
import type { InputSource } from '../common/runner.js';
import { parseRegistryAuth } from './inputs.js';
import type { LoginForm } from './targets.js';

/**
 * The `password:` values as written in a `registry-auth` text, read line by line, without YAML: a
 * password YAML cannot read (`*x` is an alias, `!x` and `!!x` tags) is still a secret, and an error
 * about it may quote the part after the indicator; both are returned. Parts of three characters or
 * fewer are left out: masking them would hide common words all over the log.
 */
export function writtenPasswords(yaml: string): string[] {
  const found: string[] = [];
  for (const line of yaml.split(/\r\n|\r|\n/)) {
    const value = /^[\s-]*["']?password["']?\s*:\s+(\S.*?)\s*$/.exec(line)?.[1];
    if (!value) continue;
    found.push(value);
    const indicated = /^(?:\*|&|!!?)(\S+)(?:\s+(.+))?$/.exec(value);
    if (indicated) found.push(indicated[1], value.split(/\s+/)[0], indicated[2] ?? '');
  }
  return [...new Set(found)].filter(part => part.length > 3);
}

/**
 * Every secret of the login inputs. `actor` is GHCR's default user (the run context's); `root` adds
 * the root action's Docker Hub token and its `auth` value.
 */
export function loginSecrets(source: InputSource, actor: string, root = false): string[] {
  const githubToken = source('github-token');
  const yaml = source('registry-auth');
  let listed: LoginForm[] = [];
  try {
    listed = yaml ? parseRegistryAuth(yaml) : [];
  } catch {
    // Reported when the inputs are read; its passwords are among the written ones.
  }
  const secrets = [githubToken, ...writtenPasswords(yaml)];
  const single = { username: source('username'), password: source('password') };
  // The single form counts beside registry-auth only when it has a password (the two do not mix).
  const pairs = yaml ? [...(single.password ? [single] : []), ...listed] : [single];
  for (const { username, password } of pairs) {
    // Where no password is given, GHCR's login uses the github-token (and the actor as the user).
    const secret = password || githubToken;
    if (secret) secrets.push(password ?? '', basicAuth(username || actor, secret));
  }
  const hubToken = root ? source('dockerhub-token') : '';
  if (hubToken) secrets.push(hubToken, basicAuth(source('dockerhub-username'), hubToken));
  return [...new Set(secrets.filter(Boolean))];
}
