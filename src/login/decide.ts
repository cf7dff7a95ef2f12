/**
 * Which registries to log in to, with which credentials (pure). The login stage alone logs in to
 * what its inputs list. In the root action the build decides: a push logs in to every registry the
 * images and the inputs name; a run that pushes nothing but pulls logs in with what it has (no
 * Docker OIDC where the code may be a fork's); otherwise nothing.
 */
import { InputError } from '../common/errors.js';
import type { RunContext } from '../common/run-context.js';
import { authKey } from '../common/reference.js';
import { singleTarget, type LoginInputs, type RootLoginInputs } from './inputs.js';
import { pullLogins } from './pull-logins.js';
import { checkAddedLogins, checkDockerHubPair, dockerConnection, loginEntries } from './root-logins.js';
import {
  checkIdToken,
  checkListedOnce,
  loginTarget,
  type Fallbacks,
  type LoginForm,
  type LoginTarget
} from './targets.js';

/** What the root action's earlier stages decided; undefined when the login stage runs alone. */
export interface LoginUpstream {
  /** The images meta computed: GHCR's and Docker Hub's logins follow them. */
  images: readonly string[];
  /** The build pushes (or the merge publishes): log in to push. */
  push: boolean;
  /** Without a push, the build still pulls: log in with the credentials this event has. */
  pull: boolean;
  /** The event builds the repository's own code (common/trust.ts). */
  trusted: boolean;
}

export interface LoginDecision {
  logins: LoginTarget[];
  logout: boolean;
  /** The event's name, for the hint of a refused login. */
  event?: string;
  /** Registries left out of a login for pulls, with why: one log line each. */
  skipped?: string[];
  /** The logins are for pulls only: the run pushes nothing. */
  pullsOnly?: boolean;
}

export function decideLogins(
  inputs: LoginInputs,
  upstream: LoginUpstream | undefined,
  ctx: RunContext
): LoginDecision {
  if (inputs.kind === 'stage') return { logins: inputs.logins, logout: inputs.logout, event: ctx.eventName };
  if (!upstream) throw new Error("The root action's logins are decided from the build's decision");
  const base = { logout: inputs.logout, event: ctx.eventName };
  if (!upstream.push && !upstream.pull) return { ...base, logins: [] };
  const f: Fallbacks = { githubToken: inputs.githubToken, actor: ctx.actor, oidc: inputs.oidc };
  const entries = loginEntries(inputs, upstream.images);
  const resolve = targetOf(inputs, entries, f);
  let logins: LoginTarget[];
  let skipped: string[] = [];
  if (upstream.push) {
    logins = pushLogins(inputs, entries, f, resolve);
  } else {
    const pulls = pullLogins(entries, {
      githubToken: inputs.githubToken,
      actor: ctx.actor,
      trusted: upstream.trusted,
      dockerConnection: Boolean(dockerConnection(inputs))
    });
    checkAddedLogins(pulls.entries, inputs.githubToken, ctx.actor);
    logins = pulls.entries.map(resolve);
    skipped = pulls.skipped;
  }
  checkListedOnce(logins);
  checkIdToken(logins, ctx.canMintIdToken);
  return { ...base, logins, skipped, pullsOnly: !upstream.push };
}

/**
 * The logins of a push: the user's first, each form under its own names (the Docker Hub pair goes
 * together; `registry` and `registry-auth` may not name the same registry), then the ones added.
 */
function pushLogins(
  inputs: RootLoginInputs,
  entries: LoginForm[],
  f: Fallbacks,
  resolve: (entry: LoginForm) => LoginTarget
): LoginTarget[] {
  checkDockerHubPair(inputs.dockerHub.username, inputs.dockerHub.token, dockerConnection(inputs));
  const listed = entries.slice(0, inputs.listed.length).map(resolve);
  checkListedOnce(listed);
  const users = inputs.single ? 1 : 0;
  const single = entries.slice(listed.length, listed.length + users).map(resolve);
  const keys = new Set(listed.map(l => authKey(l.registry)));
  if (single.some(l => keys.has(authKey(l.registry)))) {
    throw new InputError(
      `Inputs "registry" and "registry-auth" both log in to ${single[0].registry}: list it once`,
      ['registry', 'registry-auth']
    );
  }
  const added = entries.slice(listed.length + users);
  checkAddedLogins(added, f.githubToken, f.actor);
  return [...listed, ...single, ...added.map(resolve)];
}

/**
 * The login of an entry of `loginEntries`: a `registry-auth` item under its item number, the single
 * inputs under their names (with the ones set, since an empty `registry` means Docker Hub), an entry
 * the root action adds as the item it is of the whole list.
 */
function targetOf(inputs: RootLoginInputs, entries: LoginForm[], f: Fallbacks) {
  return (entry: LoginForm): LoginTarget => {
    const i = entries.indexOf(entry);
    if (i < inputs.listed.length) return loginTarget(entry, `item ${i + 1}`, f);
    if (i === inputs.listed.length && inputs.single) return singleLogin(inputs.single, inputs.set, f);
    return loginTarget(entry, `item ${i + 1}`, f);
  };
}

/** The single inputs' login; its errors say which of them were set. */
function singleLogin(single: LoginForm, set: readonly string[], f: Fallbacks): LoginTarget {
  try {
    return singleTarget(single, f);
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    const given = set.map(name => `"${name}"`).join(' and ');
    const hub = single.registry ? '' : ', and "registry" is empty, which means Docker Hub';
    throw new InputError(`${err.message} (set: ${given}${hub})`, [
      ...err.inputs,
      ...set,
      ...(hub ? ['registry'] : [])
    ]);
  }
}
