/**
 * cosign 3 (from Debian forky, unpacked into the stack's tools by scripts/e2e/install.sh) verifies
 * what the action attached, against the stand-in's trusted root: an independent check, not our own code.
 */
import { execFile, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../action-runner.js';
import { ISSUER } from './oidc.js';

export const COSIGN = join(process.env.E2E_ROOT ?? '/var/lib/push-to-image', 'tools/bin/cosign');

export function ensureVerifiers(): void {
  if (existsSync(COSIGN)) return;
  const r = spawnSync('bash', [join(ROOT, 'scripts/e2e/install.sh')], { encoding: 'utf8' });
  if (r.status !== 0 || !existsSync(COSIGN)) throw new Error(`install.sh failed:\n${r.stdout}${r.stderr}`);
}

export interface CosignResult {
  code: number;
  output: string;
}

export interface VerifyOptions {
  trustedRoot: string;
  identity: string;
  dockerConfig: string;
  signedTimestamps?: boolean;
}

function verifyArgs(ref: string, opts: VerifyOptions): string[] {
  return [
    'verify-attestation',
    '--new-bundle-format',
    '--trusted-root',
    opts.trustedRoot,
    '--certificate-identity-regexp',
    opts.identity,
    '--certificate-oidc-issuer',
    ISSUER,
    '--type',
    'https://slsa.dev/provenance/v1',
    '--allow-http-registry',
    '--allow-insecure-registry',
    ...(opts.signedTimestamps ? ['--use-signed-timestamps', '--insecure-ignore-tlog'] : []),
    ref
  ];
}

function cosignEnv(opts: VerifyOptions): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, DOCKER_CONFIG: opts.dockerConfig };
}

/** `cosign verify-attestation` of `ref` (image@digest) for the SLSA provenance type. */
export function verifyAttestation(ref: string, opts: VerifyOptions): CosignResult {
  const r = spawnSync(COSIGN, verifyArgs(ref, opts), {
    encoding: 'utf8',
    env: cosignEnv(opts),
    timeout: 60_000
  });
  return { code: r.status ?? -1, output: `${r.stdout}${r.stderr}` };
}

/**
 * The same, without blocking this process: for a registry served from this process (the GHCR
 * stand-in), which a blocked event loop could not answer.
 */
export function verifyAttestationAsync(ref: string, opts: VerifyOptions): Promise<CosignResult> {
  return new Promise(resolve => {
    execFile(
      COSIGN,
      verifyArgs(ref, opts),
      { env: cosignEnv(opts), timeout: 60_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
        resolve({ code, output: `${stdout}${stderr}` });
      }
    );
  });
}
