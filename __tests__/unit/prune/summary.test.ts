import { writePruneOutputs } from '../../../src/prune/outputs.js';
import type { PruneResult } from '../../../src/prune/result.js';
import { renderSummary } from '../../../src/prune/summary.js';
import { runnerSandbox } from '../../support/runner-sandbox.js';

const A = `sha256:${'a'.repeat(64)}`;
const B = `sha256:${'b'.repeat(64)}`;
const C = `sha256:${'c'.repeat(64)}`;

const D = `sha256:${'d'.repeat(64)}`;
const POPULAR = 'Publicly visible package versions with more than 5000 downloads cannot be deleted.';

function result(dryRun: boolean, refused = false): PruneResult {
  const deletion = { id: 7, digest: A, tags: ['pr-1'], reason: 'tag pr-1 matches delete-tags', after: [] };
  const removal = {
    id: 9,
    digest: C,
    tags: ['pr|2'],
    reason: 'tag pr|2 matches delete-tags; the image is kept (tagged)'
  };
  return {
    dryRun,
    packages: [
      {
        name: 'app',
        repository: 'octo-org/app',
        plan: {
          deletions: [deletion],
          kept: [{ id: 8, digest: B, tags: [], reason: 'part of kept v1' }],
          tagRemovals: [removal],
          gone: []
        },
        outcome: dryRun
          ? undefined
          : {
              deleted: [{ id: 7, digest: A, tags: ['pr-1'], reason: deletion.reason, outcome: 'gone' }],
              skipped: refused
                ? [
                    {
                      deletion: { ...deletion, id: 6, digest: D, tags: ['v0'] },
                      why: `GitHub refused to delete it: ${POPULAR}`
                    }
                  ]
                : [],
              backlog: [],
              tagsRemoved: [removal]
            },
        issues: [],
        restored: 0
      }
    ],
    deleted: [{ package: 'app', id: 7, digest: A, tags: ['pr-1'], reason: deletion.reason }],
    removedTags: [{ package: 'app', tag: 'pr|2', digest: C }],
    keptCount: 1,
    backlog: 0,
    apiRequests: 4,
    registryRequests: 12,
    pace: { intervalMs: 668, writes: 3, spacingMs: 1002, limitAnswers: 1, limitWaitMs: 30_000 },
    timings: { planMs: 1, deleteMs: 1, verifyMs: 1, totalMs: 3 }
  };
}

describe('renderSummary', () => {
  test('a run: what was deleted and why, which tags moved, what was kept and why', () => {
    expect(renderSummary(result(false)).split('\n')).toEqual([
      '### Prune',
      '',
      'Deleted 1 versions, kept 1, removed 1 tags, backlog 0. API requests: 4, registry requests: 12.',
      '',
      'Writes: 3, one at a time, 668 ms apart at the end; 1.0 s spent spacing them; 1 rate-limit answer, 30.0 s waited after it.',
      '',
      '#### octo-org/app',
      '',
      '**Deleted: 1**',
      '',
      '| version | digest | tags | reason |',
      '| --- | --- | --- | --- |',
      '| 7 | `sha256:aaaaaaaaaaaa` | `pr-1` | tag pr-1 matches delete-tags (already gone) |',
      '',
      '**Tags removed (the images stay):**',
      '',
      '| tags | image | reason |',
      '| --- | --- | --- |',
      '| `pr\\|2` | `sha256:cccccccccccc` | tag pr\\|2 matches delete-tags; the image is kept (tagged) |',
      '',
      '<details><summary>Kept: 1</summary>',
      '',
      '| version | digest | tags | kept because |',
      '| --- | --- | --- | --- |',
      '| 8 | `sha256:bbbbbbbbbbbb` | _untagged_ | part of kept v1 |',
      '',
      '</details>',
      ''
    ]);
  });

  test("a version GitHub refused to delete is listed as kept, with GitHub's reason", () => {
    const text = renderSummary(result(false, true));
    expect(text).toContain('<details><summary>Kept: 2</summary>');
    expect(text).toContain(
      `| 6 | \`sha256:dddddddddddd\` | \`v0\` | GitHub refused to delete it: ${POPULAR} |`
    );
  });

  test('a run without writes says so', () => {
    const quiet = {
      ...result(true),
      pace: { intervalMs: 334, writes: 0, spacingMs: 0, limitAnswers: 0, limitWaitMs: 0 }
    };
    expect(renderSummary(quiet).split('\n')[4]).toBe('No writes to pace.');
  });

  test('a dry run says so and shows the plan', () => {
    const text = renderSummary(result(true));
    expect(text.split('\n').slice(0, 3)).toEqual([
      '### Prune (dry run: nothing deleted)',
      '',
      'Would delete 1 versions, kept 1, would remove 1 tags, backlog 0. API requests: 4, registry requests: 12.'
    ]);
    expect(text).toContain('**Would delete: 1**');
    expect(text).toContain('| 7 | `sha256:aaaaaaaaaaaa` | `pr-1` | tag pr-1 matches delete-tags |');
    expect(text).toContain('**Tags to remove (the images stay):**');
  });

  test('a failure is called out first', () => {
    const failed = { ...result(false), failure: 'app: kept tags broke' };
    expect(renderSummary(failed).split('\n').slice(6, 9)).toEqual([
      '> [!CAUTION]',
      '> app: kept tags broke',
      ''
    ]);
  });
});

describe('writePruneOutputs', () => {
  const runner = runnerSandbox('prune-outputs-');
  test('outputs, optionally prefixed and collected, and the summary', () => {
    const collected: Record<string, string> = {};
    writePruneOutputs(result(false), { prefix: 'prune-', outputs: collected });
    const expected = {
      'prune-deleted-count': '1',
      'prune-deleted': JSON.stringify([
        { package: 'app', id: 7, digest: A, tags: ['pr-1'], reason: 'tag pr-1 matches delete-tags' }
      ]),
      'prune-kept-count': '1',
      'prune-backlog': '0',
      'prune-removed-tags': JSON.stringify([{ package: 'app', tag: 'pr|2', digest: C }]),
      'prune-api-requests': '4',
      'prune-registry-requests': '12',
      'prune-pace': '668',
      'prune-waited-ms': '31002'
    };
    expect(runner.outputs()).toEqual(expected);
    expect(collected).toEqual(expected);
    expect(runner.summary()).toBe(renderSummary(result(false)));
  });
});
