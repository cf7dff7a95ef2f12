/**
 * The login stage's inputs: one registry (`registry`, `username`, `password`) or a `registry-auth`
 * list, the Docker OIDC connection, `github-token`, `logout`. The stage alone checks every login
 * here; the root action, whose logins depend on what the build decides, checks here what does not.
 */
import { FAILSAFE_SCHEMA, load, YAMLException } from 'js-yaml';
import { InputError } from '../common/errors.js';
import type { RunContext } from '../common/run-context.js';
import { booleanFrom, type InputSource } from '../common/runner.js';
import { checkRegistry } from '../common/reference.js';
import { checkDockerConnection, CONNECTION_ENV, readLifetime, takesDockerOidc } from './docker-oidc.js';
import {
  checkIdToken,
  checkListedOnce,
  CONNECTION_INPUT,
  LIFETIME_INPUT,
  loginTarget,
  type Fallbacks,
  type LoginForm,
  type LoginTarget
} from './targets.js';

/** The login stage run as its own step: its logins, every one checked. */
interface StageLoginInputs {
  kind: 'stage';
  logins: LoginTarget[];
  logout: boolean;
}

/**
 * The root action's login inputs. Which registries it logs in to, and whether a password is
 * required, depend on the images and on the push (a fork's pull request gets no secrets), so
 * those checks wait for `decide`.
 */
export interface RootLoginInputs {
  kind: 'root';
  logout: boolean;
  githubToken: string;
  oidc: Fallbacks['oidc'];
  /** The `registry-auth` items. */
  listed: LoginForm[];
  /** The single registry inputs, when any of them is set (`set` names those). */
  single?: LoginForm;
  set: string[];
  /** The root action's Docker Hub pair (dockerhub-username, dockerhub-token). */
  dockerHub: { username: string; token: string };
}

export type LoginInputs = StageLoginInputs | RootLoginInputs;

const SINGLE = ['registry', 'username', 'password'] as const;

function field(entry: Record<string, unknown>, key: string, where: string): string {
  const value = entry[key];
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value.trim();
  throw new InputError(`Input "registry-auth" ${where} "${key}" must be a string`, ['registry-auth']);
}

/** The item (1-based) of a block list that holds 0-based line `line`; 0 when no item starts before it. */
function itemAt(lines: string[], line: number): number {
  const indent = (l: string) => /^(\s*)-(\s|$)/.exec(l)?.[1].length;
  const first = lines.map(indent).find(i => i !== undefined);
  if (first === undefined) return 0;
  return lines.slice(0, line + 1).filter(l => indent(l) === first).length;
}

/** Where in the input: `item N line L` (or `line L` before the first item). */
function place(lines: string[], line: number): string {
  const item = itemAt(lines, line);
  return `${item > 0 ? `item ${item} ` : ''}line ${line + 1}`;
}

/**
 * A value YAML reads as an anchor (`&`), an alias (`*`) or a tag (`!`, `!!`) instead of text: a
 * password such as `*abc` is then lost, or another value, or an error that would repeat it.
 */
const NOT_TEXT = /(?:^|[\s{,])["']?(registry|username|password)["']?\s*:\s+[&*!]/;

/** Parses the `registry-auth` YAML. Errors never quote the YAML: it holds passwords. */
export function parseRegistryAuth(yaml: string): LoginForm[] {
  const lines = yaml.split(/\r?\n/);
  lines.forEach((text, i) => {
    const key = NOT_TEXT.exec(text)?.[1];
    if (key) {
      throw new InputError(
        `Input "registry-auth" ${place(lines, i)}: the ${key} starts with "&", "*" or "!", which YAML ` +
          `reads as an anchor, alias or tag, not as text: quote it (${key}: '...')`,
        ['registry-auth']
      );
    }
  });
  let doc: unknown;
  try {
    // Every scalar stays a string: a password such as 0123 must not turn into the number 123.
    doc = load(yaml, { schema: FAILSAFE_SCHEMA });
  } catch (err) {
    if (!(err instanceof YAMLException)) throw err;
    // js-yaml's reason may repeat a piece of the text (an alias or tag name): only its words are kept.
    const reason = err.reason.replace(/\s*("[^"]*"|'[^']*'|!<[^>]*>|!\S*)/g, '').trim();
    const at = err.mark ? ` at ${place(lines, err.mark.line)}, column ${err.mark.column + 1}` : '';
    throw new InputError(`Input "registry-auth" is not valid YAML${at}: ${reason || 'syntax error'}`, [
      'registry-auth'
    ]);
  }
  if (!Array.isArray(doc)) {
    throw new InputError('Input "registry-auth" must be a YAML list of {registry, username, password}', [
      'registry-auth'
    ]);
  }
  return doc.map((entry, i) => {
    const where = `item ${i + 1}`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      throw new InputError(
        `Input "registry-auth" ${where} must be a mapping with registry, username, password`,
        ['registry-auth']
      );
    }
    const e = entry as Record<string, unknown>;
    const scope = field(e, 'scope', where);
    const oidcConnectionId = field(e, 'oidc-connection-id', where);
    return {
      registry: field(e, 'registry', where),
      username: field(e, 'username', where),
      password: field(e, 'password', where),
      ...(scope ? { scope } : {}),
      ...(oidcConnectionId ? { 'oidc-connection-id': oidcConnectionId } : {})
    };
  });
}

/** What every login falls back on (the checked lifetime, the connection); no other check. */
function fallbacks(source: InputSource, ctx: RunContext, env: NodeJS.ProcessEnv): Fallbacks {
  return {
    githubToken: source('github-token'),
    actor: ctx.actor,
    oidc: {
      input: source(CONNECTION_INPUT),
      env: (env[CONNECTION_ENV] ?? '').trim(),
      lifetime: readLifetime(source(LIFETIME_INPUT), LIFETIME_INPUT)
    }
  };
}

/** The login stage's own inputs: the single form or `registry-auth` (not both), each login checked. */
export function readLoginInputs(
  source: InputSource,
  ctx: RunContext,
  env: NodeJS.ProcessEnv = process.env
): StageLoginInputs {
  const logout = booleanFrom(source, 'logout', true);
  const registryAuth = source('registry-auth');
  const f = fallbacks(source, ctx, env);
  const single = {
    registry: source('registry'),
    username: source('username'),
    password: source('password'),
    scope: source('scope')
  };
  let logins: LoginTarget[];
  if (registryAuth) {
    const used = (['registry', 'username', 'password', 'scope'] as const).filter(k => single[k] !== '');
    if (used.length > 0) {
      throw new InputError(`Input "registry-auth" cannot be combined with "${used.join('", "')}"`, [
        'registry-auth',
        ...used
      ]);
    }
    const forms = parseRegistryAuth(registryAuth);
    if (forms.length === 0)
      throw new InputError('Input "registry-auth" lists no registry', ['registry-auth']);
    logins = forms.map((form, i) => loginTarget(form, `item ${i + 1}`, f));
  } else {
    logins = [singleTarget(single, f)];
  }
  checkListedOnce(logins);
  checkIdToken(logins, ctx.canMintIdToken);
  return { kind: 'stage', logins, logout };
}

/** The login of the single inputs (Docker Hub when `registry` is empty). */
export function singleTarget(single: LoginForm, f: Fallbacks): LoginTarget {
  if (f.oidc.input && !takesDockerOidc(single.registry || 'docker.io')) {
    throw new InputError(
      `Input "${CONNECTION_INPUT}" logs in to docker.io or dhi.io, but "registry" is ${single.registry}`,
      [CONNECTION_INPUT, 'registry']
    );
  }
  return loginTarget(single, '', f);
}

/**
 * The root action's login inputs, checked as far as they go on every event: `logout`, the
 * registries, the YAML, no scope (its pushes and merges read the main Docker config), the Docker
 * OIDC connection and its lifetime. The root action reads `scope` as '' (not one of its inputs).
 */
export function readRootLoginInputs(
  source: InputSource,
  ctx: RunContext,
  env: NodeJS.ProcessEnv = process.env
): RootLoginInputs {
  const listed = parseRegistryAuth(source('registry-auth') || '[]');
  listed.forEach((e, i) => {
    if (e.scope)
      throw new InputError(
        `Input "registry-auth" item ${i + 1} has a scope, which only the login stage takes: the root action's pushes and merges read the main Docker config`,
        ['registry-auth']
      );
  });
  const logout = booleanFrom(source, 'logout', true);
  const set = SINGLE.filter(name => source(name) !== '');
  if (set.length > 0) checkRegistry(source('registry'), 'registry');
  listed.forEach(e => checkRegistry(e.registry, 'registry-auth'));
  const dockerHub = { username: source('dockerhub-username'), token: source('dockerhub-token') };
  const { githubToken, oidc } = fallbacks(source, ctx, env);
  checkDockerConnection(dockerHub.token, oidc.input, oidc.env);
  const single = set.length
    ? { registry: source('registry'), username: source('username'), password: source('password') }
    : undefined;
  return { kind: 'root', logout, githubToken, oidc, listed, ...(single ? { single } : {}), set, dockerHub };
}
