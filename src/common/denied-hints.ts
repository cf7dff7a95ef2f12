/** What to do about a registry's "denied": which of GHCR's usual causes applies. */
import { isGhcr } from './reference.js';

/** Where a token comes from, judged by how it was given and its prefix. */
export type TokenKind = 'github-token' | 'pat-classic' | 'pat-fine-grained' | 'app' | 'oauth' | 'unknown';

export function tokenKind(password: string, fromGithubTokenInput: boolean): TokenKind {
  if (fromGithubTokenInput) return 'github-token';
  if (password.startsWith('ghp_')) return 'pat-classic';
  if (password.startsWith('github_pat_')) return 'pat-fine-grained';
  if (password.startsWith('ghs_')) return 'app';
  if (password.startsWith('gho_') || password.startsWith('ghu_')) return 'oauth';
  return 'unknown';
}

const PERMISSIONS =
  'the workflow or job lacks `permissions: packages: write` (GITHUB_TOKEN cannot push without it)';
const LINKED =
  'the package exists but is not linked to this repository: in the package settings, "Manage Actions ' +
  'access", add this repository with the Write role';
const FORK =
  'this is a pull_request event, where GITHUB_TOKEN of a fork is read-only: do not push on ' +
  'pull_request (push: auto already skips it)';
const APP =
  'a GitHub App installation token needs the App permission "Packages: write" and access to the package ' +
  '(package settings, "Manage Actions access")';
const PAT_CLASSIC = 'the personal access token lacks the write:packages scope';
const PAT_FINE =
  'fine-grained personal access tokens cannot push to ghcr.io: use GITHUB_TOKEN or a classic token';
const BAD_TOKEN = 'the token is expired, revoked or not a GitHub token';

const DENIED = /denied|write_package|permission|forbidden|\b403\b|not allowed|unauthorized|\b401\b/i;

export interface HintContext {
  registry: string;
  /** The registry's or the tool's own error text. */
  message: string;
  kind?: TokenKind;
  event?: string;
  /** Failed while logging in (rather than while pushing). */
  login?: boolean;
}

/** One line naming the likely causes, or '' when there is nothing specific to say. */
export function deniedHint(ctx: HintContext): string {
  if (!isGhcr(ctx.registry) || !DENIED.test(ctx.message)) return '';
  const kind = ctx.kind ?? 'unknown';
  const causes: string[] = [];
  if (/installation not allowed/i.test(ctx.message)) causes.push(APP);
  else if (ctx.login) causes.push(kind === 'pat-fine-grained' ? PAT_FINE : BAD_TOKEN);
  else if (kind === 'pat-classic') causes.push(PAT_CLASSIC, LINKED);
  else if (kind === 'pat-fine-grained') causes.push(PAT_FINE);
  else if (kind === 'app') causes.push(APP);
  else {
    if (ctx.event === 'pull_request') causes.push(FORK);
    causes.push(PERMISSIONS, LINKED);
    if (kind === 'unknown') causes.push(APP);
  }
  return `Likely cause${causes.length > 1 ? 's' : ''} for ${ctx.registry}: ${causes
    .map((c, i) => `(${i + 1}) ${c}`)
    .join('; ')}.`;
}
