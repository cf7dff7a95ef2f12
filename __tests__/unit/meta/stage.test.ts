/** The meta face: read checks and masks only; decide plans from the run context alone. */
import { InputError } from '../../../src/common/errors.js';
import { readRunContext } from '../../../src/common/run-context.js';
import { planMeta } from '../../../src/meta/plan.js';
import { createMetaFace, metaFace } from '../../../src/meta/stage.js';
import { inputs } from './helpers.js';
import { runnerSandbox } from '../../support/runner-sandbox.js';

const runner = runnerSandbox('meta-stage-');

const source = (values: Record<string, string>) => (name: string) => values[name] ?? '';
const pr = {
  number: 27,
  pull_request: { head: { sha: 'h'.repeat(40) } },
  repository: { name: 'app' }
};

describe('metaFace.read', () => {
  const ctx = readRunContext({ GITHUB_REPOSITORY: 'o/app' });

  test('masks the token and prints nothing else; a settings problem is returned, not logged', () => {
    const face = createMetaFace({ env: { DOCKER_METADATA_ANNOTATIONS_LEVELS: 'manifest,bogus' } });
    const read = face.read(source({ 'github-token': 'ghs_readtoken1', tags: 'type=sha' }), ctx);
    expect(runner.writes()).toEqual(['::add-mask::ghs_readtoken1\n']);
    expect(read.githubToken).toBe('ghs_readtoken1');
    expect(read.warnings).toEqual([
      'DOCKER_METADATA_ANNOTATIONS_LEVELS: unknown level "bogus" (buildx knows manifest, index, manifest-descriptor and index-descriptor)'
    ]);
  });

  test('a bad input is an InputError naming it', () => {
    let thrown: unknown;
    try {
      metaFace.read(source({ context: 'tree' }), ctx);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(InputError);
    expect((thrown as InputError).inputs).toEqual(['context']);
  });

  test('secrets: the token, for a post step that reads no inputs', () => {
    expect(metaFace.secrets?.(source({ 'github-token': 'ghs_x' }))).toEqual(['ghs_x']);
  });
});

describe('metaFace.decide', () => {
  test("the event's ref and commit; the repository's API from the run context", () => {
    const ctx = readRunContext({
      GITHUB_REPOSITORY: 'o/app',
      GITHUB_EVENT_NAME: 'push',
      GITHUB_REF: 'refs/tags/v1.0.0',
      GITHUB_SHA: 's1',
      GITHUB_SERVER_URL: 'https://ghe.example.com'
    });
    const plan = metaFace.decide(inputs({ 'github-token': 't' }), undefined, ctx);
    expect(plan.event).toEqual({ ref: 'refs/tags/v1.0.0', sha: 's1' });
    expect(plan.api).toEqual({
      baseUrl: 'https://ghe.example.com/api/v3',
      owner: 'o',
      repo: 'app',
      token: 't'
    });
  });

  test.each([
    ['pull_request_target', {}, { ref: 'refs/pull/27/merge', sha: 'm' }],
    [
      'pull_request_target',
      { DOCKER_METADATA_PR_HEAD_SHA: 'true' },
      { ref: 'refs/pull/27/merge', sha: 'h'.repeat(40) }
    ],
    [
      'pull_request',
      { DOCKER_METADATA_PR_HEAD_SHA: 'true' },
      { ref: 'refs/heads/main', sha: 'h'.repeat(40) }
    ],
    ['push', { DOCKER_METADATA_PR_HEAD_SHA: 'true' }, { ref: 'refs/heads/main', sha: 'm' }]
  ])('%s with %j: %j', (eventName, settings, expected) => {
    const ctx = {
      ...readRunContext({ GITHUB_EVENT_NAME: eventName, GITHUB_REF: 'refs/heads/main', GITHUB_SHA: 'm' }),
      payload: pr
    };
    expect(planMeta(inputs({}, settings), ctx).event).toEqual(expected);
  });

  test('context=git: the ref and commit are left to run, which reads the checkout', () => {
    const ctx = readRunContext({ GITHUB_REPOSITORY: 'o/app', GITHUB_REF: 'refs/heads/main' });
    expect(planMeta(inputs({ context: 'git' }), ctx).event).toBeUndefined();
  });

  test('no repository in the run: no API to ask', () => {
    expect(planMeta(inputs({}), readRunContext({})).api).toBeUndefined();
  });

  test('pure: the same plan twice, the run context untouched, nothing runner.writes()', () => {
    const ctx = {
      ...readRunContext({ GITHUB_REPOSITORY: 'o/app', GITHUB_EVENT_NAME: 'pull_request_target' }),
      payload: pr
    };
    const frozen = structuredClone(ctx);
    const read = inputs({}, { DOCKER_METADATA_PR_HEAD_SHA: 'true' });
    expect(metaFace.decide(read, undefined, ctx)).toEqual(metaFace.decide(read, undefined, ctx));
    expect(ctx).toEqual(frozen);
    expect(runner.writes()).toEqual([]);
  });
});
