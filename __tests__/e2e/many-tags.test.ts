/**
 * The root action with 3,000 tags: meta's DOCKER_METADATA_OUTPUT_* values (each over the kernel's
 * 128 KiB limit for one environment string) go to later steps through GITHUB_ENV, not into the
 * environment of the step's own commands, so buildx starts and builds with every tag.
 */
import { jest } from '@jest/globals';
import { runAction } from '../support/action-runner.js';
import { buildContext, dockerConfig, ensureStack, GHCR, unique } from '../support/e2e-stack.js';

jest.setTimeout(300_000);

beforeAll(() => ensureStack());

test('3,000 tags reach buildx; the metadata variables go to later steps only', async () => {
  const count = 3000;
  const image = `${GHCR}/e2e-many-tags/${unique('app')}`;
  const rules = Array.from({ length: count }, (_, i) => `type=raw,value=release-candidate-build-${i}`);
  const step = await runAction({
    action: 'action.yml',
    // The build's result goes nowhere: 3,000 names in the engine's image store take minutes.
    inputs: {
      images: image,
      tags: rules.join('\n'),
      push: 'false',
      outputs: 'type=cacheonly',
      platforms: 'linux/amd64',
      cache: 'none'
    },
    event: { ref: 'refs/heads/main' },
    env: { GITHUB_WORKSPACE: buildContext(unique('tok')), DOCKER_CONFIG: dockerConfig() },
    timeoutMs: 240_000
  });
  expect(step.errors).toEqual([]);
  expect(step.code).toBe(0);
  expect(step.outputs.tags.split('\n')).toHaveLength(count);
  // buildx ran, with every tag on its command line.
  const buildLine = step.stdout.split('\n').find(l => /\bbuildx\b.* build /.test(l)) ?? '';
  expect(buildLine.match(/ --tag /g)).toHaveLength(count);
  expect(step.stdout).toMatch(/^#\d+ DONE /m);
  // Later steps still get meta's variables, as after metadata-action.
  expect(step.exported.DOCKER_METADATA_OUTPUT_TAGS.split('\n')).toHaveLength(count);
  expect(step.exported.DOCKER_METADATA_OUTPUT_JSON.length).toBeGreaterThan(128 * 1024);
});
