/** The login stage's inputs: one registry (`registry`, `username`, `password`) or a `registry-auth` list. */
import { FAILSAFE_SCHEMA, load, YAMLException } from 'js-yaml';
import { booleanFrom, InputError, stepInputs, type InputSource } from '../common/runner.js';
import { authKey, checkRegistry, isGhcr } from '../common/reference.js';
import { checkScope } from './scope.js';
import { idTokenUnavailable } from '../common/id-token.js';
import {
  checkConnectionId,
  CONNECTION_ENV,
  readLifetime,
  takesDockerOidc,
  type OidcConnection
} from './docker-oidc.js';

export interface LoginTarget {
  registry: string;
  username: string;
  password: string;
  /** The password is the `github-token` input (GITHUB_TOKEN unless changed). */
  githubToken: boolean;
  /** Credentials for buildx alone, for this repository and/or actions (`myorg/app@push`, `@push`). */
  scope?: string;
  /** A Docker OIDC connection: the password is minted just before the login (docker.io, dhi.io). */
  oidc?: OidcConnection;
}

export interface LoginInputs {
  logins: LoginTarget[];
  logout: boolean;
}

interface Raw {
  registry: string;
  username: string;
  password: string;
  scope?: string;
  /** A Docker OIDC connection instead of a password (named as in the YAML, so the list round-trips). */
  'oidc-connection-id'?: string;
}

export const CONNECTION_INPUT = 'dockerhub-oidc-connection-id';
export const LIFETIME_INPUT = 'dockerhub-oidc-lifetime';

/** The Docker OIDC connection the inputs (or DOCKERHUB_OIDC_CONNECTIONID) give for Docker's registries. */
export interface OidcDefaults {
  /** The `dockerhub-oidc-connection-id` input. */
  input: string;
  /** DOCKERHUB_OIDC_CONNECTIONID, as docker/login-action reads it. */
  env: string;
  lifetime: number;
}

/** The OIDC connection of one login, or undefined; errors name both inputs where two clash. */
function oidcOf(raw: Raw, registry: string, where: string, d: OidcDefaults): OidcConnection | undefined {
  const item = raw['oidc-connection-id'] ?? '';
  const name = (field: string) => (where === '' ? `"${field}"` : `"registry-auth" ${where} "${field}"`);
  if (!takesDockerOidc(registry)) {
    if (item) {
      throw new InputError(
        `Input ${name('oidc-connection-id')} names a Docker OIDC connection, which logs in to docker.io and dhi.io only, not ${registry}`,
        ['registry-auth']
      );
    }
    return undefined;
  }
  if (raw.password && (item || (where === '' && d.input))) {
    const other = item ? name('oidc-connection-id') : `"${CONNECTION_INPUT}"`;
    throw new InputError(
      `Inputs ${name('password')} and ${other} both give credentials for ${registry}: a token or an OIDC connection, not both`,
      where === '' ? ['password', CONNECTION_INPUT] : ['registry-auth']
    );
  }
  if (raw.password) return undefined;
  const id = item || d.input || d.env;
  if (!id) return undefined;
  const source = item
    ? `Input ${name('oidc-connection-id')}`
    : d.input
      ? `Input "${CONNECTION_INPUT}"`
      : CONNECTION_ENV;
  checkConnectionId(id, source, item ? ['registry-auth'] : d.input ? [CONNECTION_INPUT] : []);
  return { connectionId: id, lifetime: d.lifetime };
}

function fillDefaults(
  raw: Raw,
  where: string,
  githubToken: string,
  actor: string,
  oidcDefaults: OidcDefaults = { input: '', env: '', lifetime: 3600 }
): LoginTarget {
  const registry = checkRegistry(raw.registry, where === '' ? 'registry' : 'registry-auth');
  let { username, password } = raw;
  let fromToken = false;
  const oidc = oidcOf(raw, registry, where, oidcDefaults);
  if (isGhcr(registry)) {
    username ||= actor;
    if (!password && githubToken) {
      password = githubToken;
      fromToken = true;
    }
  }
  const name = (field: string) =>
    where === '' ? `Input "${field}"` : `Input "registry-auth" ${where} "${field}"`;
  const inputs = (field: string) => (where === '' ? [field] : ['registry-auth']);
  if (!username) {
    const org = oidc ? ' (the Docker organization of the OIDC connection)' : '';
    throw new InputError(
      `${name('username')} is required to log in to ${registry}${org}`,
      inputs('username')
    );
  }
  if (oidc) {
    const scope = raw.scope ?? '';
    checkScope(scope, name('scope'), inputs('scope'));
    return { registry, username, password: '', githubToken: false, oidc, ...(scope ? { scope } : {}) };
  }
  if (!password) {
    const hint = isGhcr(registry) ? ' (or set github-token)' : '';
    throw new InputError(
      `${name('password')} is required to log in to ${registry}${hint}`,
      inputs('password')
    );
  }
  const scope = raw.scope ?? '';
  checkScope(scope, name('scope'), inputs('scope'));
  return { registry, username, password, githubToken: fromToken, ...(scope ? { scope } : {}) };
}

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
export function parseRegistryAuth(yaml: string): Raw[] {
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

export function readLoginInputs(source: InputSource = stepInputs, env = process.env): LoginInputs {
  const logout = booleanFrom(source, 'logout', true);
  const registryAuth = source('registry-auth');
  const githubToken = source('github-token');
  const actor = env.GITHUB_ACTOR ?? '';
  const oidcDefaults: OidcDefaults = {
    input: source(CONNECTION_INPUT),
    env: (env[CONNECTION_ENV] ?? '').trim(),
    lifetime: readLifetime(source(LIFETIME_INPUT), LIFETIME_INPUT)
  };
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
    const raws = parseRegistryAuth(registryAuth);
    if (raws.length === 0) throw new InputError('Input "registry-auth" lists no registry', ['registry-auth']);
    logins = raws.map((raw, i) => fillDefaults(raw, `item ${i + 1}`, githubToken, actor, oidcDefaults));
  } else {
    if (oidcDefaults.input && !takesDockerOidc(single.registry || 'docker.io')) {
      throw new InputError(
        `Input "${CONNECTION_INPUT}" logs in to docker.io or dhi.io, but "registry" is ${single.registry}`,
        [CONNECTION_INPUT, 'registry']
      );
    }
    logins = [fillDefaults(single, '', githubToken, actor, oidcDefaults)];
  }

  const seen = new Set<string>();
  for (const login of logins) {
    // One registry may appear once per scope: the main config and each scoped one hold one login.
    const key = `${authKey(login.registry)} ${login.scope ?? ''}`;
    if (seen.has(key)) {
      const scoped = login.scope ? ` with scope ${login.scope}` : '';
      throw new InputError(`Input "registry-auth" lists ${login.registry}${scoped} twice`, ['registry-auth']);
    }
    seen.add(key);
  }
  // Known before any login: an OIDC connection needs the job's ID token.
  const unavailable = logins.some(l => l.oidc) ? idTokenUnavailable(env) : '';
  if (unavailable) {
    const where = logins
      .filter(l => l.oidc)
      .map(l => l.registry)
      .join(', ');
    throw new InputError(`The Docker OIDC connection for ${where} cannot be used: ${unavailable}`, []);
  }
  return { logins, logout };
}
