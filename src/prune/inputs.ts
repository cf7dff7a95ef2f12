/** The prune stage's inputs, validated together before any request is made. */
import { parseList } from '../common/lists.js';
import { isHost, registryHost } from '../common/reference.js';
import { dockerConfigCredentials } from '../common/registry/credentials.js';
import { booleanFrom, InputError, stepInputs, type InputSource } from '../common/runner.js';
import { parseDuration } from './duration.js';
import type { Policy } from './model.js';
import { parsePattern, type TagPattern } from './patterns.js';
import { errorMessage } from '../common/errors.js';

export interface PruneInputs {
  token: string;
  owner: string;
  /** Package names as GHCR has them (lowercase, nested with `/`). */
  packages: string[];
  registry: string;
  /**
   * What the registry gets: the token (GitHub's own container registry only), or the credentials
   * given for it in the Docker config.
   */
  registryLogin: 'token' | 'docker-config';
  policy: Policy;
  dryRun: boolean;
  maxDeletions: number;
}

export const DEFAULT_MAX_DELETIONS = 500;

const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
const PACKAGE = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;

function count(source: InputSource, name: string, min = 0): number | undefined {
  const value = source(name);
  if (value === '') return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min || !Number.isSafeInteger(Number(value))) {
    throw new InputError(`Input "${name}" must be a whole number of at least ${min}, got "${value}"`, [name]);
  }
  return Number(value);
}

function patterns(source: InputSource, name: string): TagPattern[] {
  return parseList(source(name), { ignoreComma: true, quote: false }).map(item => {
    try {
      return parsePattern(item);
    } catch (err) {
      throw new InputError(`Input "${name}" has an invalid pattern "${item}": ${errorMessage(err)}`, [name]);
    }
  });
}

function packages(source: InputSource, env: NodeJS.ProcessEnv): string[] {
  const given = parseList(source('packages'));
  const names = given.length ? given : [(env.GITHUB_REPOSITORY ?? '').split('/')[1] ?? ''].filter(Boolean);
  if (names.length === 0)
    throw new InputError('Input "packages" is empty and GITHUB_REPOSITORY names no repository', ['packages']);
  return [...new Set(names.map(name => name.toLowerCase()))].map(name => {
    if (!PACKAGE.test(name))
      throw new InputError(`Input "packages" has an invalid package name "${name}"`, ['packages']);
    return name;
  });
}

/**
 * GitHub's container registry for the server the job runs on: ghcr.io for github.com, else
 * `containers.<host>` (GitHub Enterprise Server with subdomain isolation, GHE.com).
 */
export function githubContainerHost(serverUrl: string | undefined): string {
  let host = 'github.com';
  try {
    host = new URL(serverUrl || 'https://github.com').host.toLowerCase();
  } catch {
    // an unreadable server URL: github.com
  }
  return host === 'github.com' ? 'ghcr.io' : `containers.${host}`;
}

/** Whether credentials for `registry` were given: by default, inline in the Docker config. */
export type CredentialsGiven = (registry: string) => boolean;

const inDockerConfig =
  (env: NodeJS.ProcessEnv): CredentialsGiven =>
  registry =>
    dockerConfigCredentials(registry, env) !== undefined;

/**
 * The token goes only to GitHub's own container registry; any other registry needs credentials
 * given for it, or the input that names it is refused.
 */
function registryLogin(
  input: 'registry',
  registry: string,
  env: NodeJS.ProcessEnv,
  given: CredentialsGiven
): PruneInputs['registryLogin'] {
  const host = registryHost(registry);
  const own = githubContainerHost(env.GITHUB_SERVER_URL);
  if (host === own) return 'token';
  if (given(host)) return 'docker-config';
  throw new InputError(
    `Input "${input}" is "${host}", which is not GitHub's container registry (${own}): the token goes ` +
      `only there, so log in to ${host} first (the login stage, registry-auth, or docker login)`,
    [input]
  );
}

/** Reads and checks every input; contradictory combinations are refused with the inputs named. */
export function readPruneInputs(
  source: InputSource = stepInputs,
  env: NodeJS.ProcessEnv = process.env,
  opts: { credentialsGiven?: CredentialsGiven } = {}
): PruneInputs {
  const token = source('token');
  if (!token)
    throw new InputError('Input "token" is required (the default is the workflow\'s github.token)', [
      'token'
    ]);
  const owner = source('owner') || env.GITHUB_REPOSITORY_OWNER || '';
  if (!OWNER.test(owner))
    throw new InputError(`Input "owner" must be a GitHub user or organization, got "${owner}"`, ['owner']);
  const registry = source('registry') || 'ghcr.io';
  if (!isHost(registry.replace(/^https?:\/\//, '').replace(/\/$/, '')))
    throw new InputError(`Input "registry" must be a host[:port], got "${registry}"`, ['registry']);

  const olderThanText = source('older-than');
  let olderThanMs: number | undefined;
  if (olderThanText) {
    try {
      olderThanMs = parseDuration(olderThanText);
    } catch (err) {
      throw new InputError(`Input "older-than" is invalid, got "${olderThanText}": ${errorMessage(err)}`, [
        'older-than'
      ]);
    }
  }
  const policy: Policy = {
    keepNTagged: count(source, 'keep-n-tagged'),
    keepNUntagged: count(source, 'keep-n-untagged'),
    ...(olderThanMs !== undefined ? { olderThanMs, olderThan: olderThanText } : {}),
    keepTags: patterns(source, 'keep-tags'),
    deleteTags: patterns(source, 'delete-tags'),
    deleteUntagged: booleanFrom(source, 'delete-untagged', true)
  };
  const dryRun = booleanFrom(source, 'dry-run', false);
  const maxDeletions = count(source, 'max-deletions', 1) ?? DEFAULT_MAX_DELETIONS;

  if (policy.keepNUntagged !== undefined && !policy.deleteUntagged) {
    throw new InputError(
      `Inputs "keep-n-untagged" (${policy.keepNUntagged}) and "delete-untagged" (false) contradict each other: ` +
        'keep-n-untagged only applies when untagged versions are deleted',
      ['keep-n-untagged', 'delete-untagged']
    );
  }
  const both = policy.keepTags.find(k => policy.deleteTags.some(d => d.source === k.source));
  if (both) {
    throw new InputError(`Inputs "keep-tags" and "delete-tags" both list the pattern "${both.source}"`, [
      'keep-tags',
      'delete-tags'
    ]);
  }
  if (!policy.deleteUntagged && policy.keepNTagged === undefined && policy.deleteTags.length === 0) {
    throw new InputError(
      'Inputs "delete-untagged" (false), "keep-n-tagged" (unset) and "delete-tags" (empty) leave nothing to delete',
      ['delete-untagged', 'keep-n-tagged', 'delete-tags']
    );
  }
  const login = registryLogin('registry', registry, env, opts.credentialsGiven ?? inDockerConfig(env));
  return {
    token,
    owner,
    packages: packages(source, env),
    registry,
    registryLogin: login,
    policy,
    dryRun,
    maxDeletions
  };
}
