/**
 * The SBOM reader of a pushed index: the pure selection (attestation manifests, SPDX layers, SPDX
 * statements) and the reads against a small content-addressed registry on loopback (SBOMs per
 * platform in index order, a blob that does not match its digest, a missing attestation manifest).
 */
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { RegistryClient } from '../../../src/common/registry/client.js';
import {
  attestationManifests,
  readIndexSboms,
  spdxDocument,
  spdxLayers
} from '../../../src/common/registry/sboms.js';

const D = (c: string) => `sha256:${c.repeat(64)}`;
const SPDX = 'https://spdx.dev/Document';
const INDEX = 'application/vnd.oci.image.index.v1+json';
const MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

describe('SBOMs in an index (pure)', () => {
  const index = [
    { mediaType: 'm', digest: D('a'), size: 1, platform: { os: 'linux', architecture: 'amd64' } },
    {
      mediaType: 'm',
      digest: D('b'),
      size: 1,
      platform: { os: 'linux', architecture: 'arm', variant: 'v7' }
    },
    ...[
      ['c', 'a'],
      ['d', 'b'],
      ['e', 'f'] // describes a manifest the index does not hold
    ].map(([self, subject]) => ({
      mediaType: 'm',
      digest: D(self),
      size: 1,
      platform: { os: 'unknown', architecture: 'unknown' },
      annotations: {
        'vnd.docker.reference.type': 'attestation-manifest',
        'vnd.docker.reference.digest': D(subject)
      }
    }))
  ];
  test('each attestation manifest names the platform manifest it describes', () => {
    expect(attestationManifests(index)).toEqual([
      { attestation: D('c'), digest: D('a'), platform: 'linux/amd64' },
      { attestation: D('d'), digest: D('b'), platform: 'linux/arm/v7' }
    ]);
  });
  test('only SPDX layers, only SPDX statements', () => {
    const layer = (c: string, type: string) => ({
      mediaType: 'application/vnd.in-toto+json',
      digest: D(c),
      size: 1,
      annotations: { 'in-toto.io/predicate-type': type }
    });
    expect(
      spdxLayers([layer('e', 'https://slsa.dev/provenance/v0.2'), layer('f', SPDX)]).map(l => l.digest)
    ).toEqual([D('f')]);
    const doc = { spdxVersion: 'SPDX-2.3' };
    expect(spdxDocument(Buffer.from(JSON.stringify({ predicateType: SPDX, predicate: doc })))).toEqual(doc);
    expect(spdxDocument(Buffer.from(JSON.stringify({ predicateType: 'x', predicate: doc })))).toBeUndefined();
    expect(
      spdxDocument(Buffer.from(JSON.stringify({ predicateType: SPDX, predicate: [doc] })))
    ).toBeUndefined();
    expect(spdxDocument(Buffer.from('not json'))).toBeUndefined();
  });
});

/** A registry that serves what it was given by digest; `tamper` serves other bytes for one blob. */
class Store {
  readonly items = new Map<string, { type: string; bytes: Buffer }>();
  tamper = '';
  put(type: string, body: unknown): { mediaType: string; digest: string; size: number } {
    const bytes = Buffer.from(JSON.stringify(body));
    const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    this.items.set(digest, { type, bytes });
    return { mediaType: type, digest, size: bytes.length };
  }
}

describe('readIndexSboms', () => {
  let server: Server;
  let store: Store;
  let base = '';
  beforeAll(async () => {
    server = createServer((req, res) => {
      const digest = decodeURIComponent((req.url ?? '').split('/').pop() ?? '');
      const item = store.items.get(digest);
      if (!item) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': item.type });
      res.end(digest === store.tamper ? Buffer.from('{"predicateType":"x"}') : item.bytes);
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    base = `127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(() => new Promise<void>(resolve => server.close(() => resolve())));

  /** An index of two platforms; amd64 has two SBOM layers and a provenance, arm64 none. */
  function pushIndex(): { index: string; amd64: string; sbomLayer: string; attestation: string } {
    store = new Store();
    const config = store.put('application/vnd.oci.image.config.v1+json', {});
    const image = (arch: string) =>
      store.put(MANIFEST, { schemaVersion: 2, mediaType: MANIFEST, config, layers: [], arch });
    const amd64 = image('amd64');
    const arm64 = image('arm64');
    const statement = (type: string, predicate: unknown) => ({
      ...store.put('application/vnd.in-toto+json', { predicateType: type, predicate }),
      annotations: { 'in-toto.io/predicate-type': type }
    });
    const sbom1 = statement(SPDX, { name: 'one' });
    const attestation = store.put(MANIFEST, {
      schemaVersion: 2,
      mediaType: MANIFEST,
      config,
      layers: [
        statement('https://slsa.dev/provenance/v0.2', { p: 1 }),
        sbom1,
        statement(SPDX, { name: 'two' })
      ]
    });
    const index = store.put(INDEX, {
      schemaVersion: 2,
      mediaType: INDEX,
      manifests: [
        { ...amd64, platform: { os: 'linux', architecture: 'amd64' } },
        { ...arm64, platform: { os: 'linux', architecture: 'arm64' } },
        {
          ...attestation,
          platform: { os: 'unknown', architecture: 'unknown' },
          annotations: {
            'vnd.docker.reference.type': 'attestation-manifest',
            'vnd.docker.reference.digest': amd64.digest
          }
        }
      ]
    });
    return {
      index: index.digest,
      amd64: amd64.digest,
      sbomLayer: sbom1.digest,
      attestation: attestation.digest
    };
  }
  const client = () => new RegistryClient({ registry: base, retries: 0 });

  test('the SPDX documents of each platform that has them', async () => {
    const pushed = pushIndex();
    expect(await readIndexSboms(client(), 'o/app', pushed.index)).toEqual([
      { platform: 'linux/amd64', digest: pushed.amd64, documents: [{ name: 'one' }, { name: 'two' }] }
    ]);
  });
  test('an image manifest has none', async () => {
    const pushed = pushIndex();
    expect(await readIndexSboms(client(), 'o/app', pushed.amd64)).toEqual([]);
  });
  test('a statement that does not match its digest is an error naming it', async () => {
    const pushed = pushIndex();
    store.tamper = pushed.sbomLayer;
    await expect(readIndexSboms(client(), 'o/app', pushed.index)).rejects.toThrow(
      `GET o/app blob ${pushed.sbomLayer}: content has digest`
    );
  });
  test('a missing index or attestation manifest is an error naming it', async () => {
    const pushed = pushIndex();
    await expect(readIndexSboms(client(), 'o/app', D('9'))).rejects.toThrow(`GET o/app@${D('9')}: not found`);
    store.items.delete(pushed.attestation);
    await expect(readIndexSboms(client(), 'o/app', pushed.index)).rejects.toThrow(
      `GET o/app@${pushed.attestation}: not found`
    );
  });
});
