import { createMetaFace, metaFace } from '../../../src/meta/stage.js';
import { meta } from './helpers.js';
import { runnerSandbox } from '../../support/runner-sandbox.js';

describe("meta's DOCKER_METADATA_OUTPUT_* variables", () => {
  const runner = runnerSandbox('meta-env-', {
    DOCKER_METADATA_OUTPUT_TAGS: undefined,
    DOCKER_METADATA_OUTPUT_VERSION: 'from-an-earlier-step'
  });
  const exported = runner.exported;
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
