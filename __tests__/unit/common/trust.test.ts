import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventTrust, judgeEvent } from '../../../src/common/trust.js';
import { decidePush } from '../../../src/build/push.js';
import { decideAttest } from '../../../src/build/attest/mode.js';

const repository = { full_name: 'octo-org/app' };
const pr = (head: string) => ({ repository, pull_request: { head: { repo: { full_name: head } } } });
const run = (event: string, head = 'octo-org/app') => ({
  repository,
  workflow_run: { event, head_repository: { full_name: head } }
});

/** Each event, its payload, and what `push: auto`, `push: true` and `attest: auto` then do. */
const TABLE: [string, string, unknown, { trusted: boolean; auto: 'push' | 'build only' | 'nothing' }][] = [
  ['push', 'push', { repository }, { trusted: true, auto: 'push' }],
  ['release', 'release', { repository }, { trusted: true, auto: 'push' }],
  ['schedule', 'schedule', { repository }, { trusted: true, auto: 'push' }],
  ['workflow_dispatch', 'workflow_dispatch', { repository }, { trusted: true, auto: 'push' }],
  ['a local run (no event)', '', {}, { trusted: true, auto: 'push' }],
  ['pull_request from a fork', 'pull_request', pr('mallory/app'), { trusted: false, auto: 'build only' }],
  ['pull_request from a branch', 'pull_request', pr('octo-org/app'), { trusted: false, auto: 'build only' }],
  [
    'pull_request_target from a fork',
    'pull_request_target',
    pr('mallory/app'),
    { trusted: false, auto: 'nothing' }
  ],
  [
    'pull_request_target from a branch',
    'pull_request_target',
    pr('octo-org/app'),
    { trusted: false, auto: 'nothing' }
  ],
  [
    'workflow_run after a pull_request',
    'workflow_run',
    run('pull_request', 'mallory/app'),
    { trusted: false, auto: 'nothing' }
  ],
  [
    'workflow_run after a pull_request_target',
    'workflow_run',
    run('pull_request_target'),
    { trusted: false, auto: 'nothing' }
  ],
  ['workflow_run after a push', 'workflow_run', run('push'), { trusted: true, auto: 'push' }],
  ['workflow_run without its payload', 'workflow_run', {}, { trusted: false, auto: 'nothing' }],
  [
    'issue_comment on a pull request',
    'issue_comment',
    { repository, issue: { pull_request: {} } },
    { trusted: false, auto: 'nothing' }
  ],
  [
    'issue_comment on an issue',
    'issue_comment',
    { repository, issue: {} },
    { trusted: false, auto: 'nothing' }
  ]
];

describe('whose code each event builds', () => {
  test.each(TABLE)('%s', (_name, event, payload, expected) => {
    const trust = judgeEvent(event, payload);
    expect(trust.trusted).toBe(expected.trusted);
    const auto = decidePush('auto', trust, ['ghcr.io/octo-org/app:1']);
    expect(auto.push ? 'push' : auto.build ? 'build only' : 'nothing').toBe(expected.auto);
    // push: true pushes on every event; where the code may not be the repository's own, with a warning naming the event.
    const forced = decidePush(true, trust, ['ghcr.io/octo-org/app:1']);
    expect(forced.push).toBe(true);
    expect(forced.build).toBe(true);
    if (expected.trusted) expect(forced.warning).toBeUndefined();
    else
      expect(forced.warning).toMatch(
        new RegExp(`^Pushing on a ${event} event because "push" is true, though `)
      );
    // attest: auto, with everything else in place, attests the repository's own code only.
    const attest = decideAttest('auto', { pushed: true, digest: 'sha256:ab', canMint: true, trust });
    expect(attest.attest).toBe(expected.trusted);
    expect(decideAttest('true', { pushed: true, digest: 'sha256:ab', canMint: true, trust }).attest).toBe(
      expected.trusted
    );
  });

  test('the notice names the event, why, and how to push anyway; a fork is named', () => {
    const auto = decidePush('auto', judgeEvent('pull_request_target', pr('mallory/app')), ['a/b:1']);
    expect(auto).toEqual({
      push: false,
      build: false,
      reason:
        'Not building or pushing with "push: auto" on pull_request_target: pull_request_target runs with ' +
        "the repository's secrets and write token, and the code in the workspace may be the pull request's " +
        'from the fork mallory/app. Set "push: true" to build and push anyway'
    });
    const run = decidePush(
      'auto',
      judgeEvent('workflow_run', {
        repository,
        workflow_run: { event: 'pull_request', head_repository: { full_name: 'mallory/app' } }
      }),
      ['a/b:1']
    );
    expect(run.reason).toContain('workflow_run was set off by a pull_request run from the fork mallory/app');
  });

  test('pull_request keeps its short reasons', () => {
    const trust = judgeEvent('pull_request', pr('mallory/app'));
    expect(decidePush('auto', trust, ['a/b:1'])).toEqual({
      push: false,
      build: true,
      reason: 'pull_request event'
    });
    expect(decideAttest('auto', { pushed: true, digest: 'sha256:ab', canMint: true, trust }).reason).toBe(
      'pull_request builds are not attested'
    );
  });

  test('push: false builds on every event, push: true without tags is an input error', () => {
    for (const [, event, payload] of TABLE) {
      expect(decidePush(false, judgeEvent(event, payload), ['a/b:1'])).toEqual({
        push: false,
        build: true,
        reason: 'push: false'
      });
      expect(() => decidePush(true, judgeEvent(event, payload), [])).toThrow(
        'Input "push" is true but there are no tags to push (set "tags")'
      );
    }
  });

  test('eventTrust reads the payload the runner wrote; an unreadable one counts as empty', () => {
    const dir = mkdtempSync(join(tmpdir(), 'trust-'));
    const path = join(dir, 'event.json');
    writeFileSync(path, JSON.stringify(run('push')));
    expect(eventTrust({ GITHUB_EVENT_NAME: 'workflow_run', GITHUB_EVENT_PATH: path }).trusted).toBe(true);
    writeFileSync(path, JSON.stringify(run('pull_request')));
    expect(eventTrust({ GITHUB_EVENT_NAME: 'workflow_run', GITHUB_EVENT_PATH: path }).trusted).toBe(false);
    writeFileSync(path, '{not json');
    expect(eventTrust({ GITHUB_EVENT_NAME: 'workflow_run', GITHUB_EVENT_PATH: path }).trusted).toBe(false);
    expect(eventTrust({ GITHUB_EVENT_NAME: 'push', GITHUB_EVENT_PATH: join(dir, 'gone.json') }).trusted).toBe(
      true
    );
  });
});
