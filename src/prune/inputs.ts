/** The prune stage's inputs, read and checked together before any request is made. */
import { errorMessage } from '../common/errors.js';
import { parseList } from '../common/lists.js';
import { isHost, registryHost } from '../common/reference.js';
import { dockerConfigCredentials } from '../common/registry/credentials.js';
import type { RunContext } from '../common/run-context.js';
import { booleanFrom, InputError, setSecret, type InputSource } from '../common/runner.js';
import { parseDuration } from './duration.js';
import type { Policy } from './model.js';
import { parsePattern, type TagPattern } from './patterns.js';

export interface PruneInputs {
  token: string;
  owner: string;
  /**
   * The `packages` input: names as GHCR has them (lowercase, nested with `/`); [] when not given
   * (the decision then takes the packages of the pushed images, or the repository's own).
   */
  packages: string[];
  registry: string;
  /**
   * What the registry gets, as far as it is known now: the token (GitHub's own container registry
   * only), or the credentials the Docker config has for it. Unset: only a login made by this run can
   * give them (the decision checks).
   */
  registryLogin?: 'token' | 'docker-config';
  policy: Policy;
  dryRun: boolean;
  maxDeletions: number;
}

export const DEFAULT_MAX_DELETIONS = 500;

const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
const PACKAGE = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;

/** A package name, lower-cased; one GHCR cannot have names the `packages` input. */
export function packageName(name: string): string {
  const lower = name.toLowerCase();
  if (!PACKAGE.test(lower))
    throw new InputError(`Input "packages" has an invalid package name "${lower}"`, ['packages']);
  return lower;
}

/**
 * GitHub's container registry for the server the job runs on: ghcr.io for github.com, else
 * `containers.<host>` (GitHub Enterprise Server with subdomain isolation, GHE.com).
 */
export function githubContainerHost(serverUrl: string): string {
  let host = 'github.com';
  try {
    host = new URL(serverUrl || 'https://github.com').host.toLowerCase();
  } catch {
    // an unreadable server URL: github.com
  }
  return host === 'github.com' ? 'ghcr.io' : `containers.${host}`;
}

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

function olderThan(source: InputSource): Pick<Policy, 'olderThanMs' | 'olderThan'> {
  const text = source('older-than');
  if (!text) return {};
  try {
    return { olderThanMs: parseDuration(text), olderThan: text };
  } catch (err) {
    throw new InputError(`Input "older-than" is invalid, got "${text}": ${errorMessage(err)}`, [
      'older-than'
    ]);
  }
}

function readPolicy(source: InputSource): Policy {
  const age = olderThan(source);
  return {
    keepNTagged: count(source, 'keep-n-tagged'),
    keepNUntagged: count(source, 'keep-n-untagged'),
    ...age,
    keepTags: patterns(source, 'keep-tags'),
    deleteTags: patterns(source, 'delete-tags'),
    deleteUntagged: booleanFrom(source, 'delete-untagged', true)
  };
}

/** Refuses contradictory policy inputs, naming them. */
function checkPolicy(policy: Policy): void {
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
}

/** The token goes only to GitHub's own container registry; another one needs credentials of its own. */
function registryLogin(
  registry: string,
  ctx: RunContext,
  env: NodeJS.ProcessEnv
): PruneInputs['registryLogin'] {
  const host = registryHost(registry);
  if (host === githubContainerHost(ctx.serverUrl)) return 'token';
  return dockerConfigCredentials(host, env) ? 'docker-config' : undefined;
}

/**
 * Reads and checks every input and masks the token; the owner defaults to the repository's. `env`
 * locates the Docker config (whose credentials for a registry other than GitHub's are looked up).
 */
export function readPruneInputs(
  source: InputSource,
  ctx: RunContext,
  env: NodeJS.ProcessEnv = process.env
): PruneInputs {
  const token = source('token');
  setSecret(token);
  if (!token)
    throw new InputError('Input "token" is required (the default is the workflow\'s github.token)', [
      'token'
    ]);
  const owner = source('owner') || ctx.repositoryOwner;
  if (!OWNER.test(owner))
    throw new InputError(`Input "owner" must be a GitHub user or organization, got "${owner}"`, ['owner']);
  const registry = source('registry') || 'ghcr.io';
  if (!isHost(registry.replace(/^https?:\/\//, '').replace(/\/$/, '')))
    throw new InputError(`Input "registry" must be a host[:port], got "${registry}"`, ['registry']);
  const policy = readPolicy(source);
  const dryRun = booleanFrom(source, 'dry-run', false);
  const maxDeletions = count(source, 'max-deletions', 1) ?? DEFAULT_MAX_DELETIONS;
  checkPolicy(policy);
  const packages = [...new Set(parseList(source('packages')).map(packageName))];
  const login = registryLogin(registry, ctx, env);
  return {
    token,
    owner,
    packages,
    registry,
    ...(login ? { registryLogin: login } : {}),
    policy,
    dryRun,
    maxDeletions
  };
}
