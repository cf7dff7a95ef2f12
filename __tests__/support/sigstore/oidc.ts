/**
 * GitHub Actions' OIDC token service, standing in on loopback: the runner's token request endpoint
 * (ACTIONS_ID_TOKEN_REQUEST_URL, bearer ACTIONS_ID_TOKEN_REQUEST_TOKEN) issues RS256 JWTs with
 * GitHub's claims, and the issuer (https://token.actions.githubusercontent.com) serves its discovery
 * document and JWKS.
 */
import { createSign, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';

export const ISSUER = 'https://token.actions.githubusercontent.com';

export interface TokenRequest {
  audience: string;
  at: number;
}

function b64url(value: Buffer | string): string {
  return Buffer.from(value).toString('base64url');
}

/** GitHub's claims for a workflow run, from the runner variables the test gives the action. */
export function githubClaims(
  env: Record<string, string | undefined>,
  workflow = 'release.yml'
): Record<string, unknown> {
  const repo = env.GITHUB_REPOSITORY ?? 'octo-org/hello-world';
  const ref = env.GITHUB_REF ?? 'refs/heads/main';
  const workflowRef = `${repo}/.github/workflows/${workflow}@${ref}`;
  return {
    sub: `repo:${repo}:ref:${ref}`,
    ref,
    ref_type: ref.startsWith('refs/tags/') ? 'tag' : 'branch',
    sha: env.GITHUB_SHA ?? '0123456789abcdef0123456789abcdef01234567',
    repository: repo,
    repository_owner: repo.split('/')[0],
    repository_id: '123456',
    repository_owner_id: '654321',
    repository_visibility: 'public',
    run_id: env.GITHUB_RUN_ID ?? '1',
    run_number: env.GITHUB_RUN_NUMBER ?? '1',
    run_attempt: env.GITHUB_RUN_ATTEMPT ?? '1',
    actor: env.GITHUB_ACTOR ?? 'mona',
    actor_id: '42',
    workflow: 'release',
    workflow_ref: workflowRef,
    workflow_sha: env.GITHUB_SHA ?? '0123456789abcdef0123456789abcdef01234567',
    job_workflow_ref: workflowRef,
    job_workflow_sha: env.GITHUB_SHA ?? '0123456789abcdef0123456789abcdef01234567',
    event_name: env.GITHUB_EVENT_NAME ?? 'push',
    runner_environment: 'github-hosted'
  };
}

export class OidcIssuer {
  readonly kid = randomBytes(8).toString('hex');
  readonly requestToken = randomBytes(16).toString('hex');
  private readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;
  /** Claims of the tokens issued; a test may change them (e.g. drop one). */
  claims: Record<string, unknown> = {};
  readonly requests: TokenRequest[] = [];
  /** Tokens handed out, so that a test can check none of them was logged. */
  readonly issued: string[] = [];

  constructor() {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.privateKey = privateKey;
    this.publicKey = publicKey;
  }

  sign(audience: string): string {
    const now = Math.floor(Date.now() / 1000);
    const header = { alg: 'RS256', typ: 'JWT', kid: this.kid };
    const payload = {
      jti: randomBytes(8).toString('hex'),
      iss: ISSUER,
      aud: audience,
      nbf: now - 5,
      iat: now,
      exp: now + 300,
      ...this.claims
    };
    const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
    const signature = createSign('RSA-SHA256').update(input).sign(this.privateKey);
    const token = `${input}.${b64url(signature)}`;
    this.issued.push(token);
    return token;
  }

  jwks(): object {
    return {
      keys: [{ ...this.publicKey.export({ format: 'jwk' }), kid: this.kid, alg: 'RS256', use: 'sig' }]
    };
  }

  discovery(): object {
    return {
      issuer: ISSUER,
      jwks_uri: `${ISSUER}/.well-known/jwks`,
      subject_types_supported: ['public', 'pairwise'],
      response_types_supported: ['id_token'],
      claims_supported: [
        'sub',
        'aud',
        'exp',
        'iat',
        'iss',
        'jti',
        'nbf',
        'ref',
        'repository',
        'sha',
        'workflow'
      ],
      id_token_signing_alg_values_supported: ['RS256'],
      scopes_supported: ['openid']
    };
  }

  /** The runner's token endpoint: `GET ?audience=...` with the request token as bearer. */
  answerTokenRequest(url: URL, authorization: string | undefined): { status: number; body: object } {
    if (authorization !== `Bearer ${this.requestToken}`)
      return { status: 401, body: { message: 'bad request token' } };
    const audience = url.searchParams.get('audience') ?? '';
    this.requests.push({ audience, at: Date.now() });
    return { status: 200, body: { value: this.sign(audience) } };
  }
}
