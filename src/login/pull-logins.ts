/**
 * The logins of a run that builds and pushes nothing (a pull request): only what pulls need, with
 * the credentials the run has, for the registries the push would log in to: GHCR with
 * `github-token` (read-only for a fork's pull request, by GitHub's design) where an image or a
 * `registry-auth` item names it, and every listed registry that has a password; no Docker OIDC login where the
 * event's code may not be the repository's own (a fork's job gets no ID token). Pure.
 */
import { isGhcr } from '../common/reference.js';
import { takesDockerOidc } from './docker-oidc.js';
import type { LoginForm } from './targets.js';

interface PullLoginFacts {
  githubToken: string;
  actor: string;
  /** The event builds the repository's own code (common/trust.ts). */
  trusted: boolean;
  /** A Docker OIDC connection is configured (input or DOCKERHUB_OIDC_CONNECTIONID). */
  dockerConnection: boolean;
}

interface PullLogins {
  entries: LoginForm[];
  /** Registries left out, with why, for one log line each. */
  skipped: string[];
}

export function pullLogins(listed: LoginForm[], f: PullLoginFacts): PullLogins {
  const entries: LoginForm[] = [];
  const skipped: string[] = [];
  for (const entry of listed) {
    if (entry.password) {
      entries.push(entry);
    } else if (isGhcr(entry.registry) && f.githubToken && f.actor) {
      entries.push(entry);
    } else if (
      takesDockerOidc(entry.registry) &&
      entry.username &&
      (f.dockerConnection || entry['oidc-connection-id'])
    ) {
      if (f.trusted) entries.push(entry);
      else
        skipped.push(
          `${entry.registry}: no login through the Docker OIDC connection on this event (a fork's job gets no OIDC ID token)`
        );
    } else if (entry.username || entry.password !== undefined) {
      skipped.push(`${entry.registry}: no password on this event`);
    }
  }
  return { entries, skipped };
}
