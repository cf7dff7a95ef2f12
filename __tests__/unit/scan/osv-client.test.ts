import { OsvClient, OsvUnavailable } from '../../../src/scan/osv.js';
import type { FetchLike } from '../../../src/common/transport.js';

type Query = { package: { purl: string }; page_token?: string };

/** An OSV answering from a table: `vulns` per purl, `pageSize` per page; records by id. */
function fakeOsv(vulns: Record<string, string[]>, pageSize: number, status?: number[]) {
  const seen: { path: string; queries?: Query[] }[] = [];
  const fetch: FetchLike = async (url, init) => {
    const path = new URL(url).pathname;
    const body = init?.body ? (JSON.parse(String(init.body)) as { queries: Query[] }) : undefined;
    seen.push({ path, queries: body?.queries });
    const s = status?.shift();
    if (s) return new Response('{}', { status: s });
    if (path === '/v1/querybatch') {
      const results = body!.queries.map(q => {
        const all = vulns[q.package.purl] ?? [];
        const offset = Number(q.page_token ?? 0);
        const next = offset + pageSize < all.length ? String(offset + pageSize) : undefined;
        return {
          vulns: all.slice(offset, offset + pageSize).map(id => ({ id })),
          ...(next ? { next_page_token: next } : {})
        };
      });
      return new Response(JSON.stringify({ results }), { status: 200 });
    }
    const id = decodeURIComponent(path.split('/').pop()!);
    return new Response(JSON.stringify({ id }), { status: 200 });
  };
  return { fetch, seen };
}

test('batches of at most 1,000 queries; pages followed for the queries that have more', async () => {
  const purls = Array.from({ length: 2500 }, (_, i) => `pkg:npm/p${i}@1`);
  const vulns = { 'pkg:npm/p0@1': ['V-1', 'V-2', 'V-3'], 'pkg:npm/p2400@1': ['V-3', 'V-4'] };
  const osv = fakeOsv(vulns, 2);
  const client = new OsvClient({ fetch: osv.fetch, retryDelayMs: 1 });
  const found = await client.affecting(purls);
  expect(found.get('pkg:npm/p0@1')).toEqual(['V-1', 'V-2', 'V-3']);
  expect(found.get('pkg:npm/p2400@1')).toEqual(['V-3', 'V-4']);
  expect(found.get('pkg:npm/p5@1')).toEqual([]);
  expect(osv.seen.map(s => s.queries?.length)).toEqual([1000, 1000, 500, 1]);
  expect(osv.seen[3].queries).toEqual([{ package: { purl: 'pkg:npm/p0@1' }, page_token: '2' }]);
  const records = await client.vulns(['V-1', 'V-3', 'V-3', 'V-4']);
  expect([...records.keys()]).toEqual(['V-1', 'V-3', 'V-4']);
  await client.vulns(['V-1']);
  expect(client.requests).toEqual({ querybatch: 4, vulns: 3 });
});

test('5xx answers are retried, then OsvUnavailable', async () => {
  const flaky = fakeOsv({ 'pkg:npm/a@1': ['V-1'] }, 10, [503, 502]);
  const client = new OsvClient({ fetch: flaky.fetch, retryDelayMs: 1 });
  expect((await client.affecting(['pkg:npm/a@1'])).get('pkg:npm/a@1')).toEqual(['V-1']);
  const down = fakeOsv({}, 10, [503, 503, 503, 503]);
  await expect(
    new OsvClient({ fetch: down.fetch, retryDelayMs: 1 }).affecting(['pkg:npm/a@1'])
  ).rejects.toThrow(new OsvUnavailable('POST https://api.osv.dev/v1/querybatch: HTTP 503 (4 attempts)'));
});

test('a page token that comes twice stops the walk', async () => {
  const fetch: FetchLike = async () =>
    new Response(JSON.stringify({ results: [{ vulns: [{ id: 'V' }], next_page_token: 'same' }] }), {
      status: 200
    });
  await expect(new OsvClient({ fetch }).affecting(['pkg:npm/a@1'])).rejects.toThrow(
    'a page token came twice'
  );
});
