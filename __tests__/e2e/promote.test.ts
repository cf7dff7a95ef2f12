/**
 * Release by digest: a branch build pushes this commit's two-platform index (with provenance,
 * signed through the Sigstore stand-in) to one repository; a signature-like referrer is attached;
 * the tag push promotes that digest to another repository of the same registry and to the second
 * registry, without a build. Both registries are reached through counting front doors, so the test
 * sees every request: mounts inside a registry, uploads only across registries. Then the version
 * tag rules: refusals before anything is pushed, reruns that finish what an earlier attempt left,
 * and a registry that refuses to move an immutable tag as Docker Hub does.
 */
import { jest } from '@jest/globals';
import { execFile } from 'node:child_process';
import { parseReference } from '../../src/common/reference.js';
import { RegistryClient as OciClient } from '../../src/common/registry/client.js';
import { attachArtifact } from '../../src/common/registry/referrers.js';
import { runAction, type RunOptions } from '../support/action-runner.js';
import { startCountingRegistry, type CountingRegistry } from '../support/counting-registry.js';
import { startSigstore, type Sigstore } from '../support/sigstore/index.js';
import { githubClaims } from '../support/sigstore/oidc.js';
import { startAttestationsApi, type AttestationsApi } from '../support/sigstore/attestations-api.js';
import { ensureVerifiers, verifyAttestationAsync } from '../support/sigstore/cosign.js';
import { buildContext, dockerConfig, ensureStack, PASSWORD, unique, USER } from '../support/e2e-stack.js';

jest.setTimeout(600_000);

const TOKEN = 'ghs_promotetoken';
const CRANE = '/var/lib/push-to-image/tools/bin/crane';
const SIGNATURE_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json';
const repository = {
  name: 'hello-world',
  full_name: 'octo-org/hello-world',
  owner: { login: 'octo-org' },
  visibility: 'public',
  private: false
};
const sha = (n: number) => `${n}`.repeat(40).slice(0, 40).replace(/^./, 'a');
const SHA = sha(1);
const OTHER_SHA = sha(2);
const ns = unique('p');

let ghcr: CountingRegistry;
let hub: CountingRegistry;
let sigstore: Sigstore;
let api: AttestationsApi;

beforeAll(async () => {
  ensureStack();
  ensureVerifiers();
  ghcr = await startCountingRegistry(Number(process.env.E2E_GHCR_PORT));
  hub = await startCountingRegistry(Number(process.env.E2E_HUB_PORT));
  sigstore = await startSigstore();
  api = await startAttestationsApi(TOKEN);
});
afterAll(async () => {
  await ghcr?.close();
  await hub?.close();
  await sigstore?.close();
  await api?.close();
});

const auths = () => ({ [ghcr.host]: `${USER}:${PASSWORD}`, [hub.host]: `${USER}:${PASSWORD}` });
const registryAuth = () =>
  JSON.stringify([ghcr.host, hub.host].map(registry => ({ registry, username: USER, password: PASSWORD })));

interface Run {
  ref: string;
  sha: string;
  images: string[];
  inputs?: Record<string, string>;
  extra?: Partial<RunOptions>;
}

function step({ ref, sha, images, inputs = {}, extra = {} }: Run) {
  const tok = unique('tok');
  const env = {
    GITHUB_EVENT_NAME: 'push',
    GITHUB_REF: ref,
    GITHUB_SHA: sha,
    GITHUB_API_URL: api.url,
    GITHUB_WORKSPACE: buildContext(
      tok,
      `FROM e2e-base\nCOPY hello.txt /hello.txt\nLABEL test.token=${tok}\n`
    ),
    DOCKER_CONFIG: dockerConfig(),
    ...sigstore.env
  };
  sigstore.oidc.claims = githubClaims(env);
  return runAction({
    action: 'action.yml',
    githubToken: TOKEN,
    hostsFile: sigstore.hostsFile,
    inputs: {
      images: images.join('\n'),
      'registry-auth': registryAuth(),
      cache: 'none',
      ...inputs
    },
    event: { ref, repository },
    ...extra,
    env
  });
}

const RELEASE_TAGS = 'type=semver,pattern={{version}}\ntype=semver,pattern={{major}}.{{minor}}\ntype=sha';

/** Runs a command without blocking this process: the front doors the command talks to are served here. */
function run(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { encoding: 'utf8', env, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) =>
      err ? reject(new Error(`${file} ${args.join(' ')}: ${stderr}`)) : resolve(stdout.trim())
    );
  });
}

function crane(...args: string[]): Promise<string> {
  return run(CRANE, [...args, '--insecure'], {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    DOCKER_CONFIG: dockerConfig(auths())
  });
}

async function imagetoolsDigest(ref: string): Promise<string> {
  const out = await run(
    'docker',
    ['buildx', 'imagetools', 'inspect', ref, '--format', '{{json .Manifest}}'],
    {
      ...process.env,
      DOCKER_CONFIG: dockerConfig(auths())
    }
  );
  return (JSON.parse(out) as { digest: string }).digest;
}

/** Requests a run made to a front door (from `since`). */
const writes = (r: CountingRegistry, since: number) =>
  r.requests.slice(since).filter(q => !['GET', 'HEAD'].includes(q.method));

/** Attaches a signature-like artifact (an unknown artifact type to the product) to a subject. */
async function attachSignature(image: string, subject: string, note: string): Promise<void> {
  const { registry, path } = parseReference(image);
  const client = new OciClient({ registry, credentials: { username: USER, password: PASSWORD } });
  await attachArtifact(client, {
    repository: path,
    subject,
    bytes: Buffer.from(JSON.stringify({ note })),
    artifactType: 'application/vnd.example.signature.v1+json'
  });
}

const src = () => `${ghcr.host}/${ns}/src`;
const dst = () => [`${ghcr.host}/${ns}/app`, `${hub.host}/${ns}/app`];
let sourceDigest = '';

test('a branch build pushes the commit image; the tag push promotes that digest, mounted in one registry, copied to the other', async () => {
  const branch = await step({
    ref: 'refs/heads/main',
    sha: SHA,
    images: [src()],
    inputs: { tags: 'type=ref,event=branch\ntype=sha', attest: 'true' }
  });
  expect({ errors: branch.errors, code: branch.code }).toEqual({ errors: [], code: 0 });
  sourceDigest = branch.outputs.digest;
  expect(await crane('ls', src())).toContain(`sha256-${sourceDigest.slice(7)}`);
  // A signature on the index and one on a platform image: artifact types the product does not know.
  const index = JSON.parse(await crane('manifest', `${src()}@${sourceDigest}`));
  const amd64 = index.manifests.find(
    (m: { platform: { architecture: string } }) => m.platform.architecture === 'amd64'
  );
  await attachSignature(src(), sourceDigest, 'index');
  await attachSignature(src(), amd64.digest, 'amd64');

  const g = ghcr.requests.length;
  const h = hub.requests.length;
  const started = Date.now();
  const promoted = await step({
    ref: 'refs/tags/v1.2.3',
    sha: SHA,
    images: dst(),
    inputs: { mode: 'promote', source: `${src()}:sha-${SHA.slice(0, 7)}`, tags: RELEASE_TAGS }
  });
  console.log(`promote to two registries: ${Date.now() - started} ms`);
  expect({ errors: promoted.errors, code: promoted.code }).toEqual({ errors: [], code: 0 });
  expect(promoted.outputs.digest).toBe(sourceDigest);
  expect(promoted.stdout).not.toMatch(/docker-buildx build/);

  for (const image of dst()) {
    for (const tag of ['1.2.3', '1.2', 'latest', `sha-${SHA.slice(0, 7)}`]) {
      expect({ ref: `${image}:${tag}`, digest: await crane('digest', `${image}:${tag}`) }).toEqual({
        ref: `${image}:${tag}`,
        digest: sourceDigest
      });
      expect(await imagetoolsDigest(`${image}:${tag}`)).toBe(sourceDigest);
    }
    // Every referrer is there: the provenance bundle and the signature on the index, the signature on amd64.
    const referrers = JSON.parse(await crane('manifest', `${image}:sha256-${sourceDigest.slice(7)}`));
    const types = referrers.manifests.map((m: { artifactType: string }) => m.artifactType).sort();
    // The branch build's provenance and its signature of the index (two Sigstore bundles), and the
    // test's own artifact of a type the product does not know.
    expect(types).toEqual(
      [SIGNATURE_TYPE, SIGNATURE_TYPE, 'application/vnd.example.signature.v1+json'].sort()
    );
    const onAmd64 = JSON.parse(await crane('manifest', `${image}:sha256-${amd64.digest.slice(7)}`));
    expect(onAmd64.manifests).toHaveLength(1);
  }
  // cosign verifies the provenance in the second registry against the stand-in's trusted root.
  const verified = await verifyAttestationAsync(`${dst()[1]}@${sourceDigest}`, {
    trustedRoot: sigstore.trustedRootPath,
    identity: '^octo-org/hello-world/\\.github/workflows/release\\.yml@refs/heads/main$',
    dockerConfig: dockerConfig(auths())
  });
  expect({ code: verified.code, output: verified.output }).toMatchObject({ code: 0 });

  // Within the first registry: mounts only, not one layer byte uploaded; the second got copies.
  const inGhcr = ghcr.requests.slice(g);
  const uploads = inGhcr.filter(
    r => /\/blobs\/uploads\//.test(r.path) && ['PUT', 'PATCH'].includes(r.method)
  );
  console.log(
    `within the registry: ${ghcr.mounts().length} mounts, ${uploads.reduce((s, r) => s + r.bytesIn, 0)} bytes uploaded; ` +
      `across: ${hub.requests
        .slice(h)
        .filter(r => r.method === 'PUT' && /blobs\/uploads/.test(r.path))
        .reduce((s, r) => s + r.bytesIn, 0)} bytes`
  );
  expect(uploads).toEqual([]);
  expect(inGhcr.filter(r => r.method === 'POST' && /mount=/.test(r.query)).every(r => r.status === 201)).toBe(
    true
  );
  expect(inGhcr.filter(r => r.method === 'POST' && /mount=/.test(r.query)).length).toBeGreaterThan(0);
  expect(
    hub.requests.slice(h).some(r => r.method === 'PUT' && /blobs\/uploads/.test(r.path) && r.bytesIn > 0)
  ).toBe(true);
  expect(promoted.summary).toContain(sourceDigest);
  expect(promoted.summary).toMatch(/Blobs mounted/);
});

test('a rerun of the promotion leaves every tag and writes nothing', async () => {
  const g = ghcr.requests.length;
  const h = hub.requests.length;
  const again = await step({
    ref: 'refs/tags/v1.2.3',
    sha: SHA,
    images: dst(),
    inputs: { mode: 'promote', source: `${src()}@${sourceDigest}`, tags: RELEASE_TAGS }
  });
  expect({ errors: again.errors, code: again.code }).toEqual({ errors: [], code: 0 });
  expect(again.outputs.digest).toBe(sourceDigest);
  expect([...writes(ghcr, g), ...writes(hub, h)]).toEqual([]);
  expect(again.stdout).toMatch(/Already published at/);
});

test('a version tag never moves: another digest is refused in every mode before anything is pushed', async () => {
  // Another image of another commit, as a branch build pushed it.
  const other = await step({
    ref: 'refs/heads/main',
    sha: OTHER_SHA,
    images: [src()],
    inputs: { tags: 'type=sha', attest: 'false' }
  });
  expect(other.errors).toEqual([]);
  const otherDigest = other.outputs.digest;
  expect(otherDigest).not.toBe(sourceDigest);

  const g = ghcr.requests.length;
  const h = hub.requests.length;
  const promote = await step({
    ref: 'refs/tags/v1.2.3',
    sha: OTHER_SHA,
    images: dst(),
    inputs: { mode: 'promote', source: `${src()}@${otherDigest}`, tags: RELEASE_TAGS }
  });
  expect(promote.code).not.toBe(0);
  expect(promote.errors.join('\n')).toContain(
    `The version tag 1.2.3 exists in ${dst()[0]} at ${sourceDigest}, and this run would point it at ${otherDigest}`
  );
  // mode build: the new digest is unknown, the existing image names another commit: refused before building.
  const build = await step({
    ref: 'refs/tags/v1.2.3',
    sha: OTHER_SHA,
    images: dst(),
    inputs: { tags: RELEASE_TAGS }
  });
  expect(build.code).not.toBe(0);
  expect(build.errors.join('\n')).toContain(
    `an image of commit ${SHA}, and this run builds commit ${OTHER_SHA}`
  );
  expect(build.stdout).not.toMatch(/docker-buildx build/);
  expect([...writes(ghcr, g), ...writes(hub, h)]).toEqual([]);
  for (const image of dst()) expect(await crane('digest', `${image}:1.2.3`)).toBe(sourceDigest);
});

test('mode build on a tag already released from this commit is a rerun: nothing built, the missing registry completed', async () => {
  const images = [dst()[0], `${hub.host}/${ns}/more`];
  const g = ghcr.requests.length;
  const rerun = await step({ ref: 'refs/tags/v1.2.3', sha: SHA, images, inputs: { tags: RELEASE_TAGS } });
  expect({ errors: rerun.errors, code: rerun.code }).toEqual({ errors: [], code: 0 });
  expect(rerun.stdout).not.toMatch(/docker-buildx build/);
  expect(rerun.outputs.digest).toBe(sourceDigest);
  expect(await crane('digest', `${images[1]}:1.2.3`)).toBe(sourceDigest);
  expect(writes(ghcr, g)).toEqual([]);
  expect(rerun.summary).toMatch(/Rerun:/);
});

test('a first attempt with the second registry down pushes no tag; the rerun completes that registry', async () => {
  const images = [`${ghcr.host}/${ns}/down`, `${hub.host}/${ns}/down`];
  hub.down = 'writes';
  const first = await step({
    ref: 'refs/tags/v1.2.3',
    sha: SHA,
    images,
    inputs: { mode: 'promote', source: `${src()}@${sourceDigest}`, tags: RELEASE_TAGS }
  });
  hub.down = false;
  expect(first.code).not.toBe(0);
  expect(first.errors.join('\n')).toMatch(/503/);
  expect(await crane('ls', images[0])).not.toContain('1.2.3');
  const g = ghcr.requests.length;
  const second = await step({
    ref: 'refs/tags/v1.2.3',
    sha: SHA,
    images,
    inputs: { mode: 'promote', source: `${src()}@${sourceDigest}`, tags: RELEASE_TAGS }
  });
  expect({ errors: second.errors, code: second.code }).toEqual({ errors: [], code: 0 });
  for (const image of images) expect(await crane('digest', `${image}:1.2.3`)).toBe(sourceDigest);
  // The first registry got its content on the first attempt: on the rerun only its tags.
  const again = writes(ghcr, g);
  expect(again.every(r => r.method === 'PUT' && /\/manifests\/[^:]+$/.test(r.path))).toBe(true);
});

test('a registry that refuses to move an immutable tag, as Docker Hub does, is named', async () => {
  hub.immutable = [/.*/];
  try {
    const other = await step({
      ref: 'refs/heads/main',
      sha: sha(3),
      images: [src()],
      inputs: { tags: 'type=sha', attest: 'false' }
    });
    expect(other.errors).toEqual([]);
    const next = await step({
      ref: 'refs/tags/v1.3.0',
      sha: sha(3),
      images: dst(),
      inputs: { mode: 'promote', source: `${src()}@${other.outputs.digest}`, tags: RELEASE_TAGS }
    });
    expect(next.code).not.toBe(0);
    const text = next.errors.join('\n');
    expect(text).toContain(`The registry refused to point ${dst()[1]}:latest at ${other.outputs.digest}`);
    expect(text).toContain(`(it is at ${sourceDigest})`);
    expect(text).toMatch(/tag immutability rule/);
    expect(text).toContain('DENIED');
  } finally {
    hub.immutable = [];
  }
});

test('bad sources are refused before anything is pushed', async () => {
  const g = ghcr.requests.length;
  const h = hub.requests.length;
  const promote = (inputs: Record<string, string>, images = dst()) =>
    step({
      ref: 'refs/tags/v9.0.0',
      sha: sha(4),
      images,
      inputs: { mode: 'promote', tags: RELEASE_TAGS, ...inputs }
    });

  const missing = await promote({ source: `${src()}:nope` });
  expect(missing.errors.join('\n')).toContain(`Input "source": ${src()}:nope is not in the registry`);
  const byDefault = await promote({});
  expect(byDefault.errors.join('\n')).toContain(
    `The default source ${dst()[0]}:sha-${sha(4).slice(0, 7)} is not in the registry`
  );
  expect(byDefault.errors.join('\n')).toContain('type=sha');
  const artifact = JSON.parse(await crane('manifest', `${src()}:sha256-${sourceDigest.slice(7)}`))
    .manifests[0].digest;
  const notImage = await promote({ source: `${src()}@${artifact}` });
  expect(notImage.errors.join('\n')).toMatch(/is an artifact attached to another manifest, not an image/);
  const amd64 = JSON.parse(await crane('manifest', `${src()}@${sourceDigest}`)).manifests[0].digest;
  const single = await promote({ source: `${src()}@${amd64}` });
  expect(single.errors.join('\n')).toMatch(
    /is a single-platform image, and "platforms" asks for linux\/amd64, linux\/arm64/
  );
  const build = await step({
    ref: 'refs/tags/v9.0.0',
    sha: sha(4),
    images: dst(),
    inputs: { source: src() }
  });
  expect(build.errors.join('\n')).toContain('Input "source" is set');
  expect([...writes(ghcr, g), ...writes(hub, h)]).toEqual([]);
});
