/**
 * One login as the stage does it, from one login form (the single registry inputs, or an item of
 * `registry-auth`): GHCR's defaults (the actor and github-token), the Docker OIDC connection, the
 * scope, and the checks that name the input each value came from. Pure.
 */
import { InputError } from '../common/errors.js';
import { idTokenUnavailable } from '../common/id-token.js';
import { authKey, checkRegistry, isGhcr } from '../common/reference.js';
import { checkConnectionId, CONNECTION_ENV, takesDockerOidc, type OidcConnection } from './docker-oidc.js';
import { checkScope } from './scope.js';

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

/** One login as written: the single inputs, or a `registry-auth` item (its keys as in the YAML). */
export interface LoginForm {
  registry: string;
  username?: string;
  password?: string;
  scope?: string;
  /** A Docker OIDC connection instead of a password. */
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

/** What a login falls back on: GHCR's user and password, the Docker OIDC connection. */
export interface Fallbacks {
  githubToken: string;
  /** The workflow's actor: GHCR's user by default. */
  actor: string;
  oidc: OidcDefaults;
}

/** The OIDC connection of one login, or undefined; errors name both inputs where two clash. */
function oidcOf(
  form: LoginForm,
  registry: string,
  where: string,
  d: OidcDefaults
): OidcConnection | undefined {
  const item = form['oidc-connection-id'] ?? '';
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
  if (form.password && (item || (where === '' && d.input))) {
    const other = item ? name('oidc-connection-id') : `"${CONNECTION_INPUT}"`;
    throw new InputError(
      `Inputs ${name('password')} and ${other} both give credentials for ${registry}: a token or an OIDC connection, not both`,
      where === '' ? ['password', CONNECTION_INPUT] : ['registry-auth']
    );
  }
  if (form.password) return undefined;
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

/**
 * The login of one form: `where` is '' for the single inputs, `item N` for an item of
 * `registry-auth`; errors name the input (and item) the missing or wrong value belongs to.
 */
export function loginTarget(form: LoginForm, where: string, f: Fallbacks): LoginTarget {
  const registry = checkRegistry(form.registry, where === '' ? 'registry' : 'registry-auth');
  let username = form.username ?? '';
  let password = form.password ?? '';
  let fromToken = false;
  const oidc = oidcOf(form, registry, where, f.oidc);
  if (isGhcr(registry)) {
    username ||= f.actor;
    if (!password && f.githubToken) {
      password = f.githubToken;
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
  if (!oidc && !password) {
    const hint = isGhcr(registry) ? ' (or set github-token)' : '';
    throw new InputError(
      `${name('password')} is required to log in to ${registry}${hint}`,
      inputs('password')
    );
  }
  const scope = form.scope ?? '';
  checkScope(scope, name('scope'), inputs('scope'));
  return {
    registry,
    username,
    password: oidc ? '' : password,
    githubToken: oidc ? false : fromToken,
    ...(oidc ? { oidc } : {}),
    ...(scope ? { scope } : {})
  };
}

/** One registry may appear once per scope: the main config and each scoped one hold one login. */
export function checkListedOnce(logins: readonly LoginTarget[]): void {
  const seen = new Set<string>();
  for (const login of logins) {
    const key = `${authKey(login.registry)} ${login.scope ?? ''}`;
    if (seen.has(key)) {
      const scoped = login.scope ? ` with scope ${login.scope}` : '';
      throw new InputError(`Input "registry-auth" lists ${login.registry}${scoped} twice`, ['registry-auth']);
    }
    seen.add(key);
  }
}

/** Known before any login: an OIDC connection needs the job's ID token (ctx.canMintIdToken). */
export function checkIdToken(logins: readonly LoginTarget[], canMintIdToken: boolean): void {
  const where = logins.filter(l => l.oidc).map(l => l.registry);
  if (where.length === 0 || canMintIdToken) return;
  // The reason as common/id-token.ts gives it for a job without the two variables.
  const unavailable = idTokenUnavailable({});
  throw new InputError(
    `The Docker OIDC connection for ${where.join(', ')} cannot be used: ${unavailable}`,
    []
  );
}
