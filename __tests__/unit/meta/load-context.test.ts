/** The run's context from the runner's environment and event file (no repository, so no API call). */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inputs, load } from './helpers.js';

function eventFile(payload: object): string {
  const file = join(mkdtempSync(join(tmpdir(), 'meta-event-')), 'event.json');
  writeFileSync(file, JSON.stringify(payload));
  return file;
}

const repository = {
  name: 'app',
  html_url: 'https://github.com/o/app',
  default_branch: 'main',
  description: 'd'
};
const prPayload = {
  number: 27,
  pull_request: { head: { sha: 'h'.repeat(40) }, base: { ref: 'main' } },
  repository
};

describe('loadContext', () => {
  test('pull_request_target: the PR merge ref instead of the base branch', async () => {
    const env = {
      GITHUB_EVENT_NAME: 'pull_request_target',
      GITHUB_REF: 'refs/heads/main',
      GITHUB_SHA: 's',
      GITHUB_EVENT_PATH: eventFile(prPayload)
    };
    const ctx = await load(inputs({}), env);
    expect([ctx.ref, ctx.sha]).toEqual(['refs/pull/27/merge', 's']);
  });

  test('DOCKER_METADATA_PR_HEAD_SHA: the head commit of the pull request', async () => {
    const env = {
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_REF: 'refs/pull/27/merge',
      GITHUB_SHA: 'merge',
      GITHUB_EVENT_PATH: eventFile(prPayload)
    };
    expect((await load(inputs({}, { DOCKER_METADATA_PR_HEAD_SHA: 'true' }), env)).sha).toBe('h'.repeat(40));
    expect((await load(inputs({}), env)).sha).toBe('merge');
    expect(
      (
        await load(inputs({}, { DOCKER_METADATA_PR_HEAD_SHA: 'true' }), {
          ...env,
          GITHUB_EVENT_NAME: 'push'
        })
      ).sha
    ).toBe('merge');
  });

  test('without GITHUB_REPOSITORY: the payload repository, with a warning', async () => {
    const ctx = await load(inputs({}), {
      GITHUB_EVENT_NAME: 'push',
      GITHUB_EVENT_PATH: eventFile({ repository })
    });
    expect(ctx.repoInfo).toEqual({
      name: 'app',
      description: 'd',
      htmlUrl: 'https://github.com/o/app',
      license: '',
      defaultBranch: 'main'
    });
    expect(ctx.warnings).toEqual([
      "GITHUB_REPOSITORY is not set: using the event payload's repository for labels"
    ]);
  });

  test('SOURCE_DATE_EPOCH fixes the created date, not the clock', async () => {
    const before = Date.now();
    const ctx = await load(inputs({}, { SOURCE_DATE_EPOCH: '1700000000' }), {
      GITHUB_EVENT_PATH: eventFile({})
    });
    expect(ctx.created.toISOString()).toBe('2023-11-14T22:13:20.000Z');
    expect(ctx.now.getTime()).toBeGreaterThanOrEqual(before);
  });

  test('the commit date from the payload when an input needs it', async () => {
    const payload = { head_commit: { id: 'c1', timestamp: '2024-03-08T18:30:00+01:00' } };
    const env = { GITHUB_SHA: 'c1', GITHUB_EVENT_PATH: eventFile(payload) };
    const ctx = await load(inputs({ labels: "d={{commit_date 'YYYY'}}" }), env);
    expect(ctx.commitDate.toISOString()).toBe('2024-03-08T17:30:00.000Z');
  });

  test('an event file that is not JSON is an error naming it', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'meta-event-')), 'event.json');
    writeFileSync(file, '{nope');
    await expect(load(inputs({}), { GITHUB_EVENT_PATH: file })).rejects.toThrow(
      `GITHUB_EVENT_PATH ${file} is not valid JSON`
    );
  });
});
