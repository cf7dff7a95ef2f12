/**
 * The built prune bundle, run as the runner runs it, against the GHCR stand-in over a real
 * distribution registry holding real buildx pushes: releases, superseded builds, a single-arch
 * image, a signature, Sigstore attestations (referrers tag schema), a PR tag on a release.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { runAction, type StepResult } from '../support/action-runner.js';
import { startGhcr, type Ghcr } from '../support/ghcr/index.js';
import {
  pullProblems,
  pushAttestation,
  pushImage,
  pushSignature,
  registryClient
} from '../support/ghcr/images.js';

const run = promisify(execFile);
const REPO = 'octo-org/app';
const DAY = 86_400_000;

let ghcr: Ghcr;
const pushed: Record<string, string> = {};
const edges: string[] = [];
let sigKept = '';
let sigGone = '';
let attKept = { attestation: '', referrers: '' };
let attGone = { attestation: '', referrers: '' };

function daysAgo(digest: string, days: number) {
  ghcr.api.setCreated(digest, new Date(Date.now() - days * DAY));
}

/** Sets every manifest of an image (index and children) to the same age. */
async function age(index: string, days: number) {
  daysAgo(index, days);
  const res = await registryClient(ghcr).getManifest(REPO, index);
  const doc = JSON.parse(res!.bytes.toString()) as { manifests?: { digest: string }[] };
  for (const m of doc.manifests ?? []) daysAgo(m.digest, days);
}

beforeAll(async () => {
  ghcr = await startGhcr();
  pushed.v100 = await pushImage(ghcr, REPO, ['1.0.0'], { content: 'release 1.0.0' });
  pushed.v110 = await pushImage(ghcr, REPO, ['1.1.0'], { content: 'release 1.1.0' });
  pushed.v120 = await pushImage(ghcr, REPO, ['1.2.0', 'latest'], { content: 'release 1.2.0' });
  for (const n of [1, 2, 3])
    edges.push(await pushImage(ghcr, REPO, ['edge'], { content: `edge build ${n}` }));
  pushed.tool = await pushImage(ghcr, REPO, ['tool'], {
    content: 'tool',
    platforms: 'linux/amd64',
    provenance: false
  });
  pushed.pr7 = await pushImage(ghcr, REPO, ['pr-7'], { content: 'pull request 7' });
  await run(
    'docker',
    [
      'buildx',
      'imagetools',
      'create',
      '-t',
      `${ghcr.registry}/${REPO}:pr-8`,
      `${ghcr.registry}/${REPO}:1.2.0`
    ],
    {
      env: { ...process.env, DOCKER_CONFIG: ghcr.dockerConfig() }
    }
  );
  const client = registryClient(ghcr);
  sigKept = await pushSignature(client, REPO, pushed.v120);
  sigGone = await pushSignature(client, REPO, pushed.v100);
  attKept = await pushAttestation(client, REPO, pushed.v120, 'provenance of 1.2.0');
  attGone = await pushAttestation(client, REPO, pushed.v100, 'provenance of 1.0.0');
  await age(pushed.v100, 60);
  await age(pushed.v110, 40);
  await age(pushed.v120, 10);
  await age(edges[0], 25);
  await age(edges[1], 20);
  await age(pushed.pr7, 30);
  daysAgo(pushed.tool, 50);
  daysAgo(sigKept, 10);
  daysAgo(sigGone, 60);
  for (const d of Object.values(attKept)) daysAgo(d, 10);
  for (const d of Object.values(attGone)) daysAgo(d, 60);
}, 180_000);
afterAll(() => ghcr?.close());
afterEach(() => expect(ghcr.violations).toEqual([]));

const policy = {
  registry: '',
  packages: 'app',
  'keep-n-tagged': '3',
  'older-than': '7d',
  'keep-tags': 'latest',
  'delete-tags': 'pr-*'
};

function prune(inputs: Record<string, string>): Promise<StepResult> {
  return runAction({
    action: 'prune/action.yml',
    inputs: { ...policy, registry: ghcr.registry, ...inputs },
    env: { GITHUB_API_URL: ghcr.apiUrl, DOCKER_CONFIG: ghcr.dockerConfig() },
    githubToken: ghcr.token
  });
}

async function snapshot() {
  return (await ghcr.store.manifests(REPO)).map(m => `${m.digest} ${m.tags.join(',')}`).sort();
}

interface Deleted {
  digest: string;
  tags: string[];
  reason: string;
}

let planned: Deleted[] = [];

test('dry run: reports the plan, deletes nothing', async () => {
  const before = await snapshot();
  const res = await prune({ 'dry-run': 'true' });
  expect(res.code).toBe(0);
  expect(await snapshot()).toEqual(before);
  planned = JSON.parse(res.outputs.deleted) as Deleted[];
  expect(res.outputs['deleted-count']).toBe(String(planned.length));
  expect(JSON.parse(res.outputs['removed-tags'])).toEqual([
    { package: 'app', tag: 'pr-8', digest: pushed.v120 }
  ]);
  expect(res.summary).toContain('### Prune (dry run: nothing deleted)');
  expect(Object.keys(ghcr.api.stats.byRoute).some(r => r.startsWith('DELETE'))).toBe(false);
}, 60_000);

test('prunes by policy, keeps every kept tag whole, and removes a tag without the image', async () => {
  ghcr.resetStats();
  const res = await prune({});
  expect(res.errors).toEqual([]);
  expect(res.code).toBe(0);
  const deleted = JSON.parse(res.outputs.deleted) as Deleted[];
  const placeholder = deleted.pop()!;
  expect(placeholder).toMatchObject({ tags: ['pr-8'], reason: 'placeholder that took the removed tags' });
  expect(deleted).toEqual(planned);

  const byReason = (digest: string) => deleted.find(d => d.digest === digest)?.reason;
  expect(byReason(pushed.v100)).toBe('beyond the 3 newest tagged images (keep-n-tagged)');
  expect(byReason(pushed.tool)).toBe('beyond the 3 newest tagged images (keep-n-tagged)');
  expect(byReason(pushed.pr7)).toBe('tag pr-7 matches delete-tags');
  expect(byReason(edges[0])).toBe('untagged and not used by any kept image');
  expect(byReason(sigGone)).toBe('signature of deleted 1.0.0');
  // a deleted image's attestation and referrers index go with it, before it
  expect(byReason(attGone.referrers)).toBe('referrers index of deleted 1.0.0');
  expect(byReason(attGone.attestation)).toBe('referrer of deleted 1.0.0');
  for (const d of [attGone.referrers, attGone.attestation])
    expect(deleted.findIndex(x => x.digest === d)).toBeLessThan(
      deleted.findIndex(x => x.digest === pushed.v100)
    );
  expect(deleted.findIndex(d => d.digest === sigGone)).toBeLessThan(
    deleted.findIndex(d => d.digest === pushed.v100)
  );
  expect(res.outputs.backlog).toBe('0');

  const client = registryClient(ghcr);
  const tags = (await client.listTags(REPO)).sort();
  const referrersTag = pushed.v120.replace(':', '-');
  expect(tags).toEqual(['1.1.0', '1.2.0', 'edge', 'latest', referrersTag, `${referrersTag}.sig`].sort());
  for (const tag of tags) expect([tag, await pullProblems(client, REPO, tag)]).toEqual([tag, []]);
  for (const d of [...deleted, placeholder])
    expect(await client.headManifest(REPO, d.digest)).toBeUndefined();
  expect(await client.headManifest(REPO, pushed.v120)).toBeDefined();
  // the kept release keeps its attestation, found as clients find it: through the referrers tag
  const { stdout } = await run(
    'docker',
    ['buildx', 'imagetools', 'inspect', '--raw', `${ghcr.registry}/${REPO}:${referrersTag}`],
    { env: { ...process.env, DOCKER_CONFIG: ghcr.dockerConfig() } }
  );
  const index = JSON.parse(stdout) as { manifests: { digest: string; artifactType: string }[] };
  expect(index.manifests).toEqual([
    expect.objectContaining({
      digest: attKept.attestation,
      artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json'
    })
  ]);
  expect(await pullProblems(client, REPO, attKept.attestation)).toEqual([]);
  expect(res.summary).toContain('referrers index of kept 1.2.0');

  const deletes = deleted.length + 1;
  expect(ghcr.api.stats.byRoute).toEqual({
    'GET /users/{username}': 1,
    'GET /orgs/{org}/packages/{package_type}/{package_name}/versions': 2,
    'DELETE /orgs/{org}/packages/{package_type}/{package_name}/versions/{package_version_id}': deletes
  });
  expect(Number(res.outputs['api-requests'])).toBe(ghcr.api.stats.requests);
  expect(Number(res.outputs['registry-requests'])).toBeGreaterThan(0);
  expect(res.outputs.pace).toBe('334');
  expect(ghcr.api.stats.limitAnswers).toBe(0);
  expect(res.summary).toMatch(
    /\| `sha256:\w{12}` \| `tool` \| beyond the 3 newest tagged images \(keep-n-tagged\) \|/
  );
  expect(res.summary).toMatch(/\| `sha256:\w{12}` \| _untagged_ \| part of kept 1\.2\.0 \|/);
  expect(res.summary).toMatch(
    /\| `sha256:\w{12}` \| `1\.2\.0` `latest` `pr-8` \| tag latest matches keep-tags \|/
  );
}, 120_000);

test('a second run finds nothing more to delete', async () => {
  const res = await prune({});
  expect([res.code, res.outputs['deleted-count'], res.outputs.backlog]).toEqual([0, '0', '0']);
}, 60_000);

test('bad input fails before any request', async () => {
  ghcr.resetStats();
  const res = await prune({ 'keep-n-untagged': '2', 'delete-untagged': 'false' });
  expect(res.code).toBe(1);
  expect(res.errors).toEqual([
    'Inputs "keep-n-untagged" (2) and "delete-untagged" (false) contradict each other: keep-n-untagged only applies when untagged versions are deleted'
  ]);
  expect(ghcr.api.stats.requests).toBe(0);
}, 30_000);
