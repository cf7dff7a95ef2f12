/**
 * Signed provenance meets the prune: two releases built and attested by the build stage (keyless
 * through the Sigstore stand-in) into the GHCR stand-in's registry, where each attestation lands as
 * an OCI artifact with a `subject` and a `sha256-<hex>` referrers index; then a prune with
 * keep-n-tagged 1. The kept release still verifies with cosign; the other's image, attestation and
 * referrers tag are gone, checked through the registry and docker buildx, not through our own code.
 */
import { jest } from '@jest/globals';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { runAction } from '../support/action-runner.js';
import { startGhcr, type Ghcr } from '../support/ghcr/index.js';
import { registryClient } from '../support/ghcr/images.js';
import { startSigstore, type Sigstore } from '../support/sigstore/index.js';
import { githubClaims } from '../support/sigstore/oidc.js';
import { startAttestationsApi, type AttestationsApi } from '../support/sigstore/attestations-api.js';
import { ensureVerifiers, verifyAttestationAsync } from '../support/sigstore/cosign.js';
import { buildContext, ensureStack, unique } from '../support/e2e-stack.js';

jest.setTimeout(180_000);

const run = promisify(execFile);
const TOKEN = 'ghs_attestprunetoken';
const REPO = 'octo-org/app';
const DAY = 86_400_000;
const BUNDLE = 'application/vnd.dev.sigstore.bundle.v0.3+json';
const identity = '^octo-org/app/\\.github/workflows/release\\.yml@refs/tags/';
const repository = {
  name: 'app',
  full_name: 'octo-org/app',
  owner: { login: 'octo-org' },
  visibility: 'public',
  private: false
};

let ghcr: Ghcr;
let sigstore: Sigstore;
let api: AttestationsApi;

interface Release {
  digest: string;
  /** The attestation artifact (a manifest whose subject is the release's index). */
  attestation: string;
  /** The release's referrers index, tagged `sha256-<hex>`. */
  referrers: string;
  referrersTag: string;
}
const releases: Record<string, Release> = {};

/** An index as `imagetools inspect --raw` shows it (a release, or a referrers index). */
interface ReferrersIndex {
  manifests: { digest: string; artifactType?: string }[];
}

/** `docker buildx imagetools inspect --raw` of a reference in the stand-in's registry. */
async function inspectRaw(
  reference: string
): Promise<{ ok: true; doc: unknown } | { ok: false; error: string }> {
  try {
    const { stdout } = await run(
      'docker',
      ['buildx', 'imagetools', 'inspect', '--raw', `${ghcr.registry}/${REPO}${reference}`],
      { env: { ...process.env, DOCKER_CONFIG: ghcr.dockerConfig() } }
    );
    return { ok: true, doc: JSON.parse(stdout) };
  } catch (err) {
    return { ok: false, error: String((err as { stderr?: string }).stderr ?? err) };
  }
}

/** crane (an independent registry client) against the stand-in's registry. */
async function crane(...args: string[]): Promise<string> {
  const { stdout } = await run(
    join(process.env.E2E_ROOT ?? '/var/lib/push-to-image', 'tools/bin/crane'),
    [...args, '--insecure'],
    {
      env: { ...process.env, DOCKER_CONFIG: ghcr.dockerConfig() }
    }
  );
  return stdout.trim();
}

/** Builds and pushes `version` with the build stage, attest on; returns what landed in the registry. */
async function release(version: string): Promise<Release> {
  const tok = unique('tok');
  const ref = `refs/tags/v${version}`;
  const env = {
    GITHUB_EVENT_NAME: 'push',
    GITHUB_REF: ref,
    GITHUB_REPOSITORY: REPO,
    GITHUB_API_URL: api.url,
    GITHUB_WORKSPACE: buildContext(
      tok,
      `FROM e2e-base\nCOPY hello.txt /hello.txt\nLABEL test.token=${tok}\n`
    ),
    DOCKER_CONFIG: ghcr.dockerConfig(),
    ...sigstore.env
  };
  sigstore.oidc.claims = githubClaims(env);
  const step = await runAction({
    action: 'build/action.yml',
    githubToken: TOKEN,
    hostsFile: sigstore.hostsFile,
    inputs: {
      tags: `${ghcr.registry}/${REPO}:${version}`,
      platforms: 'linux/amd64',
      cache: 'none',
      attest: 'true',
      // the provenance alone: the index signature has its own prune test (sign-prune.test.ts)
      sign: 'false'
    },
    event: { ref, repository },
    env
  });
  expect({ version, errors: step.errors, code: step.code }).toEqual({ version, errors: [], code: 0 });
  const digest = step.outputs.digest;
  expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);

  // What the attach left in the registry, read as a client reads it: the referrers tag's index
  // names one Sigstore bundle artifact, whose subject is the release.
  const referrersTag = digest.replace(':', '-');
  const index = await inspectRaw(`:${referrersTag}`);
  if (!index.ok) throw new Error(`no referrers index for ${version}: ${index.error}`);
  const listed = (index.doc as ReferrersIndex).manifests;
  expect(listed).toEqual([expect.objectContaining({ artifactType: BUNDLE })]);
  const attestation = listed[0].digest;
  const artifact = await inspectRaw(`@${attestation}`);
  expect(artifact.ok && (artifact.doc as { subject?: { digest: string } }).subject?.digest).toBe(digest);
  const referrers = await crane('digest', `${ghcr.registry}/${REPO}:${referrersTag}`);
  return { digest, attestation, referrers, referrersTag };
}

/** Sets a manifest and every manifest it lists to the same age. */
async function age(digest: string, days: number) {
  const created = new Date(Date.now() - days * DAY);
  ghcr.api.setCreated(digest, created);
  const res = await registryClient(ghcr).getManifest(REPO, digest);
  const doc = JSON.parse(res!.bytes.toString()) as { manifests?: { digest: string }[] };
  for (const m of doc.manifests ?? []) ghcr.api.setCreated(m.digest, created);
}

function verify(digest: string) {
  return verifyAttestationAsync(`${ghcr.registry}/${REPO}@${digest}`, {
    trustedRoot: sigstore.trustedRootPath,
    identity,
    dockerConfig: ghcr.dockerConfig()
  });
}

beforeAll(async () => {
  ensureStack();
  ensureVerifiers();
  [ghcr, sigstore, api] = await Promise.all([startGhcr(), startSigstore(), startAttestationsApi(TOKEN)]);
  releases.old = await release('1.0.0');
  releases.new = await release('2.0.0');
  for (const [r, days] of [
    [releases.old, 20],
    [releases.new, 10]
  ] as const) {
    await age(r.digest, days);
    await age(r.referrers, days);
    ghcr.api.setCreated(r.attestation, new Date(Date.now() - days * DAY));
  }
});
afterAll(async () => {
  await ghcr?.close();
  await sigstore?.close();
  await api?.close();
});

interface Deleted {
  package: string;
  digest: string;
  tags: string[];
  reason: string;
}

test('a prune after two releases keeps the kept release attested and takes the other attestation with its image', async () => {
  const old = releases.old;
  const kept = releases.new;
  expect(api.violations).toEqual([]);
  const before = await verify(old.digest);
  expect([before.code, before.output]).toEqual([0, expect.any(String)]);

  const listed = await inspectRaw(`@${old.digest}`);
  const parts = listed.ok ? (listed.doc as ReferrersIndex).manifests.map(m => m.digest) : [];
  expect(parts.length).toBeGreaterThan(0);
  const res = await runAction({
    action: 'prune/action.yml',
    inputs: { registry: ghcr.registry, packages: 'app', 'keep-n-tagged': '1' },
    env: { GITHUB_API_URL: ghcr.apiUrl, DOCKER_CONFIG: ghcr.dockerConfig() },
    githubToken: ghcr.token
  });
  expect(res.errors).toEqual([]);
  expect(res.code).toBe(0);
  expect(ghcr.violations).toEqual([]);

  // The output: the old release, its referrers index and its attestation artifact go, the
  // artifact as an attachment of the deleted release, not as an untagged image of its own.
  const deleted = JSON.parse(res.outputs.deleted) as Deleted[];
  const reason = (digest: string) => deleted.find(d => d.digest === digest)?.reason;
  expect(reason(old.digest)).toBe('beyond the 1 newest tagged images (keep-n-tagged)');
  expect(reason(old.referrers)).toBe('referrers index of deleted 1.0.0');
  expect(reason(old.attestation)).toBe('referrer of deleted 1.0.0');
  // untagged as far as the listing tells: only the old release's own parts, which it was not read for
  expect(
    deleted
      .filter(d => d.reason.startsWith('untagged'))
      .map(d => d.digest)
      .sort()
  ).toEqual(parts.sort());
  expect(deleted.findIndex(d => d.digest === old.attestation)).toBeLessThan(
    deleted.findIndex(d => d.digest === old.digest)
  );
  for (const digest of [kept.digest, kept.attestation, kept.referrers])
    expect(reason(digest)).toBeUndefined();
  expect(res.outputs['deleted-count']).toBe(String(deleted.length));
  expect(res.outputs.backlog).toBe('0');

  // The registry, read independently: the old release, its artifact and its referrers tag are gone.
  const tags = (await crane('ls', `${ghcr.registry}/${REPO}`)).split('\n').sort();
  expect(tags).toEqual(['2.0.0', kept.referrersTag].sort());
  for (const reference of [`:1.0.0`, `:${old.referrersTag}`, `@${old.digest}`, `@${old.attestation}`]) {
    const inspected = await inspectRaw(reference);
    expect({ reference, ok: inspected.ok }).toEqual({ reference, ok: false });
  }
  // The kept release keeps its artifact, found through its referrers tag, and cosign verifies it.
  const index = await inspectRaw(`:${kept.referrersTag}`);
  expect(index.ok && (index.doc as ReferrersIndex).manifests.map(m => m.digest)).toEqual([kept.attestation]);
  expect((await inspectRaw(`@${kept.attestation}`)).ok).toBe(true);
  const verified = await verify(kept.digest);
  expect([verified.code, verified.output]).toEqual([0, expect.any(String)]);
  // And cosign finds nothing to verify for the pruned release.
  expect((await verify(old.digest)).code).not.toBe(0);
});
