import {
  notStoredFailure,
  notStoredNotice,
  registryVerifyCommands
} from '../../../../src/build/attest/not-stored.js';
import { StoreRefused, storeAttestation, storeNotOffered } from '../../../../src/build/attest/store.js';
import type { FetchInit } from '../../../../src/common/transport.js';

const USER_PRIVATE =
  'Feature not available for user-owned private repositories. To enable this feature, please make this repository public.';
const facts = {
  githubMessage: USER_PRIVATE,
  repository: 'mona/app',
  images: ['ghcr.io/mona/app', 'docker.io/mona/app'],
  digest: 'sha256:' + 'a'.repeat(64),
  owner: 'mona',
  instance: 'github' as const
};

describe("GitHub's store not offered", () => {
  test('told apart from other refusals', () => {
    expect(storeNotOffered(new StoreRefused(403, USER_PRIVATE))).toBe(USER_PRIVATE);
    expect(
      storeNotOffered(
        new StoreRefused(
          403,
          'Feature not available for the acme organization. To enable this feature, please upgrade the billing plan, or make this repository public.'
        )
      )
    ).toContain('acme organization');
    expect(storeNotOffered(new StoreRefused(403, 'Resource not accessible by integration'))).toBe('');
    expect(storeNotOffered(new Error(USER_PRIVATE))).toBe('');
  });

  test('the notice says why and how to verify from the registry', () => {
    const text = notStoredNotice(facts);
    expect(text).toContain(USER_PRIVATE);
    expect(text).toContain(
      `gh attestation verify oci://ghcr.io/mona/app@${facts.digest} --owner mona --bundle-from-oci`
    );
    expect(text).toContain('cosign verify-attestation');
    expect(text).toContain('--use-signed-timestamps --insecure-ignore-tlog');
    expect(registryVerifyCommands({ ...facts, instance: 'public-good' })[1]).not.toContain(
      '--insecure-ignore-tlog'
    );
  });

  test('attest: true fails naming the cause', () => {
    const text = notStoredFailure(facts, 'true');
    expect(text).toContain('was pushed and is unsigned');
    expect(text).toContain(USER_PRIVATE);
    expect(text).toContain('attest: auto');
  });
});

describe('storeAttestation', () => {
  const answers = (list: [number, object][]) => {
    const calls: { url: string; init?: FetchInit }[] = [];
    const fetch = async (url: string, init?: FetchInit) => {
      calls.push({ url, init });
      const [status, body] = list.shift()!;
      return new Response(JSON.stringify(body), { status });
    };
    return { fetch, calls };
  };
  const where = { apiUrl: 'https://api.example', repository: 'mona/app' };

  test('posts the bundle, retries a 5xx, returns the id', async () => {
    const { fetch, calls } = answers([
      [502, { message: 'bad gateway' }],
      [201, { id: 7 }]
    ]);
    const id = await storeAttestation({ mediaType: 'm' }, 'tok', where, {
      fetch,
      sleep: async () => undefined
    });
    expect(id).toBe('7');
    expect(calls[1].url).toBe('https://api.example/repos/mona/app/attestations');
    expect(JSON.parse(String(calls[1].init?.body))).toEqual({ bundle: { mediaType: 'm' } });
  });

  test('a refusal is not retried and keeps GitHub words', async () => {
    const { fetch, calls } = answers([
      [403, { message: USER_PRIVATE, documentation_url: 'https://docs.github.com/rest' }]
    ]);
    const err = await storeAttestation({}, 'tok', where, { fetch }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreRefused);
    expect(storeNotOffered(err)).toBe(USER_PRIVATE);
    expect(calls).toHaveLength(1);
  });
});
