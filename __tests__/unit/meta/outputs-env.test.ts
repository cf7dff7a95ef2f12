import { jest } from '@jest/globals';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMetaFace, metaFace } from '../../../src/meta/stage.js';
import { parseFileCommands } from '../../support/action-runner.js';
import { meta } from './helpers.js';

describe("meta's DOCKER_METADATA_OUTPUT_* variables", () => {
  const saved = { ...process.env };
  let dir: string;
  let write: ReturnType<typeof jest.spyOn>;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'meta-env-'));
    for (const f of ['env', 'output', 'state']) writeFileSync(join(dir, f), '');
    Object.assign(process.env, {
      RUNNER_TEMP: dir,
      GITHUB_ENV: join(dir, 'env'),
      GITHUB_OUTPUT: join(dir, 'output'),
      GITHUB_STATE: join(dir, 'state')
    });
    delete process.env.DOCKER_METADATA_OUTPUT_TAGS;
    process.env.DOCKER_METADATA_OUTPUT_VERSION = 'from-an-earlier-step';
    write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  });
  afterEach(() => {
    write.mockRestore();
    process.env = { ...saved };
  });
  const exported = () => parseFileCommands(readFileSync(join(dir, 'env'), 'utf8'));
  const result = () => meta({ images: 'ghcr.io/o/app', tags: 'type=raw,value=1.0' });

  test('the meta stage: to later steps and, as metadata-action does, into its own environment', () => {
    metaFace.write(result());
    expect(exported().DOCKER_METADATA_OUTPUT_TAGS).toBe('ghcr.io/o/app:1.0');
    expect(process.env.DOCKER_METADATA_OUTPUT_TAGS).toBe('ghcr.io/o/app:1.0');
    expect(process.env.DOCKER_METADATA_OUTPUT_VERSION).toBe('1.0');
  });

  test("childEnv: false (the root action): to later steps only; the step's environment stays as it was", () => {
    createMetaFace({ childEnv: false }).write(result());
    expect(exported().DOCKER_METADATA_OUTPUT_TAGS).toBe('ghcr.io/o/app:1.0');
    expect(exported().DOCKER_METADATA_OUTPUT_VERSION).toBe('1.0');
    expect(process.env.DOCKER_METADATA_OUTPUT_TAGS).toBeUndefined();
    expect(process.env.DOCKER_METADATA_OUTPUT_VERSION).toBe('from-an-earlier-step');
  });
});
