/**
 * Signed releases meet the prune: two two-platform releases built by the build stage with provenance,
 * a signature on the index and a signed SBOM per platform (BuildKit's SBOMs made by the tests' own
 * generator image), all attached in the GHCR stand-in's registry as OCI artifacts with a `subject`
 * and `sha256-<hex>` referrers tags: on the index and on each platform manifest. Then a prune with
 * keep-n-tagged 1. cosign (not our code) still verifies the kept release's signature, provenance and
 * SBOMs; the other release's index, platform manifests, artifacts and referrers tags are gone from the
 * registry; and no signature or SBOM attestation was deleted as an untagged image of its own (only
 * referrers indexes a later attach superseded, which no tag names any more, go as untagged).
 *
 * `gh attestation verify` as a further independent verifier cannot run here: forky has no `gh`
 * package (apt-get download gh: "Unable to locate package gh"), trixie's is gh 2.46.0 and bookworm's
 * 2.23.0, both older than the `attestation` command (gh 2.46.0: `unknown command "attestation" for
 * "gh"`), so no packaged gh can check a bundle against a custom trusted root offline.
 */
import { jest } from '@jest/globals';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { runAction } from '../support/action-runner.js';
import { startGhcr, type Ghcr } from '../support/ghcr/index.js';
import { sbomGenerator } from '../support/sbom-generator.js';
import { startSigstore, type Sigstore } from '../support/sigstore/index.js';
import { githubClaims } from '../support/sigstore/oidc.js';
import { startAttestationsApi, type AttestationsApi } from '../support/sigstore/attestations-api.js';
import { ensureVerifiers } from '../support/sigstore/cosign.js';
import { cosignCheck } from '../support/sigstore/cosign-verify.js';
import { buildContext, ensureStack, unique } from '../support/e2e-stack.js';

jest.setTimeout(900_000);

const run = promisify(execFile);
const TOKEN = 'ghs_signprunetoken';
const PACKAGE = 'signed-app';
const REPO = `octo-org/${PACKAGE}`;
const DAY = 86_400_000;
const BUNDLE = 'application/vnd.dev.sigstore.bundle.v0.3+json';
const SIGN = 'https://sigstore.dev/cosign/sign/v1';
const SPDX = 'https://spdx.dev/Document';
const SLSA = 'https://slsa.dev/provenance/v1';
const identity = `^octo-org/${PACKAGE}/\\.github/workflows/release\\.yml@refs/tags/`;
const repository = {
  name: PACKAGE,
  full_name: REPO,
  owner: { login: 'octo-org', type: 'Organization' },
  visibility: 'public',
  private: false
};

let ghcr: Ghcr;
let sigstore: Sigstore;
let api: AttestationsApi;
let generator: string;

interface Manifest {
  manifests?: { digest: string; artifactType?: string; annotations?: Record<string, string> }[];
  subject?: { digest: string };
}

/** An artifact attached to a subject: the Sigstore bundle's predicate type, from the referrers index. */
interface Artifact {
  digest: string;
  subject: string;
  predicateType: string;
}

interface Release {
  version: string;
  digest: string;
  /** platform ("linux/amd64") -> its manifest's digest. */
  platforms: Record<string, string>;
  /** Every manifest the index lists (platform manifests and BuildKit's attestation manifests). */
  parts: string[];
  /** The referrers tags found (`sha256-<hex>` of the index and of each platform manifest) -> their digest. */
  referrersTags: Record<string, string>;
  artifacts: Artifact[];
  /**
   * Referrers indexes a later attach replaced under the same tag (the index's first referrers index,
   * listing the provenance alone, once the signature joined it): untagged, referenced by nothing.
   */
  superseded: string[];
}
const releases: Record<'old' | 'new', Release> = {} as never;

/** crane (an independent registry client) against the stand-in's registry. */
async function crane(...args: string[]): Promise<{ ok: boolean; out: string }> {
  try {
    const { stdout } = await run(
      join(process.env.E2E_ROOT ?? '/var/lib/push-to-image', 'tools/bin/crane'),
      [...args, '--insecure'],
      { env: { ...process.env, DOCKER_CONFIG: ghcr.dockerConfig() }, maxBuffer: 1 << 24 }
    );
    return { ok: true, out: stdout.trim() };
  } catch (err) {
    return { ok: false, out: String((err as { stderr?: string }).stderr ?? err) };
  }
}

async function manifest(reference: string): Promise<Manifest | undefined> {
  const r = await crane('manifest', `${ghcr.registry}/${REPO}${reference}`);
  return r.ok ? (JSON.parse(r.out) as Manifest) : undefined;
}

/** What a release left in the registry, read back with crane. */
async function landed(version: string, digest: string): Promise<Release> {
  const index = await manifest(`@${digest}`);
  const platforms: Record<string, string> = {};
  for (const m of (index?.manifests ?? []) as {
    digest: string;
    platform?: { os: string; architecture: string };
  }[])
    if (m.platform && m.platform.os !== 'unknown')
      platforms[`${m.platform.os}/${m.platform.architecture}`] = m.digest;
  const parts = (index?.manifests ?? []).map(m => m.digest);
  const referrersTags: Record<string, string> = {};
  const artifacts: Artifact[] = [];
  for (const subject of [digest, ...Object.values(platforms)]) {
    const tag = subject.replace(':', '-');
    const listed = await manifest(`:${tag}`);
    if (!listed) continue;
    referrersTags[tag] = (await crane('digest', `${ghcr.registry}/${REPO}:${tag}`)).out;
    for (const m of listed.manifests ?? []) {
      expect(m.artifactType).toBe(BUNDLE);
      const artifact = await manifest(`@${m.digest}`);
      expect(artifact?.subject?.digest).toBe(subject);
      artifacts.push({
        digest: m.digest,
        subject,
        predicateType: m.annotations?.['dev.sigstore.bundle.predicateType'] ?? ''
      });
    }
  }
  return { version, digest, platforms, parts, referrersTags, artifacts, superseded: [] };
}

/** Builds, signs and pushes `version` with the build stage; returns what landed in the registry. */
async function release(version: string): Promise<Release> {
  const tok = unique('tok');
  const ref = `refs/tags/v${version}`;
  const env = {
    GITHUB_EVENT_NAME: 'push',
    GITHUB_REF: ref,
    GITHUB_REF_NAME: `v${version}`,
    GITHUB_REF_TYPE: 'tag',
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
  const before = new Set((await ghcr.store.manifests(REPO)).map(m => m.digest));
  const step = await runAction({
    action: 'build/action.yml',
    githubToken: TOKEN,
    hostsFile: sigstore.hostsFile,
    inputs: {
      tags: `${ghcr.registry}/${REPO}:${version}`,
      platforms: 'linux/amd64,linux/arm64',
      cache: 'none',
      attest: 'true',
      sign: 'true',
      sbom: `generator=${generator}`
    },
    event: { ref, repository },
    env
  });
  expect({ version, errors: step.errors, code: step.code }).toEqual({ version, errors: [], code: 0 });
  const digest = step.outputs.digest;
  expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
  const r = await landed(version, digest);
  expect(Object.keys(r.platforms).sort()).toEqual(['linux/amd64', 'linux/arm64']);
  // On the index: the provenance and the signature; on each platform manifest: its SBOM attestation.
  expect(
    r.artifacts
      .filter(a => a.subject === digest)
      .map(a => a.predicateType)
      .sort()
  ).toEqual([SLSA, SIGN].sort());
  for (const d of Object.values(r.platforms))
    expect(r.artifacts.filter(a => a.subject === d).map(a => a.predicateType)).toEqual([SPDX]);
  expect(Object.keys(r.referrersTags)).toHaveLength(3);
  // Whatever else the release added to the repository: only superseded referrers indexes.
  const known = new Set(everything(r));
  for (const m of await ghcr.store.manifests(REPO)) {
    if (before.has(m.digest) || known.has(m.digest)) continue;
    const doc = await manifest(`@${m.digest}`);
    const listed = (doc?.manifests ?? []).map(e => e.digest);
    expect({
      digest: m.digest,
      tags: m.tags,
      artifacts: listed.every(d => r.artifacts.some(a => a.digest === d))
    }).toEqual({
      digest: m.digest,
      tags: [],
      artifacts: true
    });
    r.superseded.push(m.digest);
  }
  return r;
}

/** Everything a release put in the registry, each a version in the Packages listing. */
function everything(r: Release): string[] {
  return [
    r.digest,
    ...r.parts,
    ...Object.values(r.referrersTags),
    ...r.artifacts.map(a => a.digest),
    ...r.superseded
  ];
}

const check = (ref: string, type?: string) =>
  cosignCheck(ref, {
    trustedRoot: sigstore.trustedRootPath,
    identity,
    dockerConfig: ghcr.dockerConfig(),
    type
  });

/** cosign's checks of a release: the signature on the index, its provenance, each platform's SBOM. */
function checks(r: Release) {
  const image = `${ghcr.registry}/${REPO}`;
  return Promise.all([
    check(`${image}@${r.digest}`).then(c => ({ what: `verify @${r.digest}`, ...c })),
    check(`${image}@${r.digest}`, 'slsaprovenance1').then(c => ({
      what: `verify-attestation slsaprovenance1 @${r.digest}`,
      ...c
    })),
    ...Object.values(r.platforms).map(d =>
      check(`${image}@${d}`, 'spdxjson').then(c => ({ what: `verify-attestation spdxjson @${d}`, ...c }))
    )
  ]);
}

beforeAll(async () => {
  ensureStack();
  ensureVerifiers();
  generator = sbomGenerator();
  [ghcr, sigstore, api] = await Promise.all([startGhcr(), startSigstore(), startAttestationsApi(TOKEN)]);
  releases.old = await release('1.0.0');
  releases.new = await release('2.0.0');
  for (const [r, days] of [
    [releases.old, 20],
    [releases.new, 10]
  ] as const)
    for (const digest of everything(r)) ghcr.api.setCreated(digest, new Date(Date.now() - days * DAY));
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

test('a prune after two signed releases keeps the newer one verifiable and takes all of the older', async () => {
  const old = releases.old;
  const kept = releases.new;
  expect(api.violations).toEqual([]);
  // Both verify before the prune: the checks below can fail.
  for (const c of [...(await checks(old)), ...(await checks(kept))])
    expect({ what: c.what, code: c.code, output: c.code ? c.output : '' }).toEqual({
      what: c.what,
      code: 0,
      output: ''
    });

  const res = await runAction({
    action: 'prune/action.yml',
    inputs: { registry: ghcr.registry, packages: PACKAGE, 'keep-n-tagged': '1' },
    env: { GITHUB_API_URL: ghcr.apiUrl, DOCKER_CONFIG: ghcr.dockerConfig() },
    githubToken: ghcr.token
  });
  expect(res.errors).toEqual([]);
  expect(res.code).toBe(0);
  expect(ghcr.violations).toEqual([]);

  // The output: everything of the old release, nothing of the kept one.
  const deleted = JSON.parse(res.outputs.deleted) as Deleted[];
  console.log(deleted.map(d => `${d.digest} ${d.reason}`).join('\n'));
  const reason = (digest: string) => deleted.find(d => d.digest === digest)?.reason;
  // (and the kept release's superseded referrers index: an untagged index that no tag or image uses)
  expect(deleted.map(d => d.digest).sort()).toEqual([...everything(old), ...kept.superseded].sort());
  for (const digest of [...old.superseded, ...kept.superseded])
    expect(reason(digest)).toBe('untagged and not used by any kept image');
  expect(reason(old.digest)).toBe('beyond the 1 newest tagged images (keep-n-tagged)');
  // No signature, SBOM or provenance attestation, nor a referrers index, counted as an untagged image.
  for (const a of old.artifacts)
    expect({ artifact: a.predicateType, reason: reason(a.digest) }).toEqual({
      artifact: a.predicateType,
      reason: expect.stringMatching(/^referrer of /)
    });
  for (const [tag, digest] of Object.entries(old.referrersTags))
    expect({ tag, reason: reason(digest) }).toEqual({
      tag,
      reason: expect.stringMatching(/^referrers index of /)
    });
  expect(res.outputs['deleted-count']).toBe(String(deleted.length));
  expect(res.outputs.backlog).toBe('0');
  for (const digest of everything(kept))
    if (!kept.superseded.includes(digest)) expect(reason(digest)).toBeUndefined();
  // The summary's table says the same: each artifact's row gives it as a referrer, not as untagged.
  const row = (digest: string) =>
    res.summary
      .split('\n')
      .find(l => l.includes(`\`${digest.slice(0, 19)}\``))
      ?.split('|')
      .at(-2)
      ?.trim();
  for (const digest of [...old.artifacts.map(a => a.digest), ...Object.values(old.referrersTags)])
    expect({ digest, row: row(digest) }).toEqual({ digest, row: reason(digest) });

  // The registry, read with crane: only the kept release's tag and its referrers tags remain.
  const tags = (await crane('ls', `${ghcr.registry}/${REPO}`)).out.split('\n').sort();
  expect(tags).toEqual(['2.0.0', ...Object.keys(kept.referrersTags)].sort());
  for (const reference of [
    ':1.0.0',
    ...Object.keys(old.referrersTags).map(t => `:${t}`),
    ...[...everything(old), ...kept.superseded].map(d => `@${d}`)
  ])
    expect({ reference, found: (await manifest(reference)) !== undefined }).toEqual({
      reference,
      found: false
    });
  // The kept release is whole: the same artifacts, found through the same referrers tags.
  expect(await landed(kept.version, kept.digest)).toEqual({ ...kept, superseded: [] });

  // cosign: the kept release still verifies; the pruned one has nothing left to verify.
  for (const c of await checks(kept)) {
    console.log(`cosign ${c.args.join(' ')} -> ${c.code}`);
    expect({ what: c.what, code: c.code, output: c.code ? c.output : '' }).toEqual({
      what: c.what,
      code: 0,
      output: ''
    });
  }
  for (const c of await checks(old))
    expect({ what: c.what, code: c.code }).not.toEqual({ what: c.what, code: 0 });
});
