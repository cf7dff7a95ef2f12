import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { readPipelineInputs, rootName, stageSource, type Stage } from '../../../src/pipeline/inputs.js';
import { ROOT } from '../../support/action-runner.js';

type Yaml = { inputs?: Record<string, { default?: string }>; outputs?: Record<string, unknown> };
const yaml = (file: string) => load(readFileSync(join(ROOT, file), 'utf8')) as Yaml;

describe('root inputs', () => {
  const rootYaml = yaml('action.yml');
  test.each(['meta', 'login', 'build', 'prune'] as Stage[])('every %s input is on the root action', stage => {
    for (const name of Object.keys(yaml(`${stage}/action.yml`).inputs ?? {})) {
      const mapped = rootName(stage, name);
      if (mapped === null) continue;
      expect(rootYaml.inputs).toHaveProperty([mapped]);
    }
  });

  test('names that would clash are renamed; build takes tags, labels, annotations from meta', () => {
    expect(rootName('meta', 'context')).toBe('meta-context');
    expect(rootName('build', 'context')).toBe('context');
    expect(rootName('prune', 'keep-n-tagged')).toBe('prune-keep-n-tagged');
    expect(rootName('build', 'tags')).toBeNull();
    expect(rootName('meta', 'tags')).toBe('tags');
    expect(rootName('login', 'scope')).toBeNull();
  });

  test('a stage source reads the mapped root input, overrides first', () => {
    const root: Record<string, string> = {
      'meta-context': 'git',
      context: './app',
      'prune-dry-run': 'true',
      tags: 'x'
    };
    const from = (name: string) => root[name] ?? '';
    expect(stageSource(from, 'meta')('context')).toBe('git');
    expect(stageSource(from, 'build')('context')).toBe('./app');
    expect(stageSource(from, 'build')('tags')).toBe('');
    expect(stageSource(from, 'prune')('dry-run')).toBe('true');
    expect(stageSource(from, 'meta', { images: 'ghcr.io/o/r' })('images')).toBe('ghcr.io/o/r');
  });

  const NEW = { source: '', immutableTags: { kind: 'version' } };
  test.each([
    [{ mode: 'merge' }, { mode: 'merge', dockerhubUsername: '', prune: false, ...NEW }],
    [{}, { mode: 'build', dockerhubUsername: '', prune: false, ...NEW }],
    [
      { 'dockerhub-username': 'u', 'dockerhub-token': 't', prune: 'true' },
      { mode: 'build', dockerhubUsername: 'u', prune: true, ...NEW }
    ],
    [
      { mode: 'promote', source: 'ghcr.io/o/app:sha-1234567', 'immutable-tags': 'none' },
      {
        ...NEW,
        mode: 'promote',
        dockerhubUsername: '',
        prune: false,
        source: 'ghcr.io/o/app:sha-1234567',
        immutableTags: { kind: 'none' }
      }
    ]
  ])('pipeline inputs %j', (values, expected) => {
    const source = (name: string) => (values as Record<string, string>)[name] ?? '';
    expect(readPipelineInputs(source)).toEqual(expected);
  });

  test.each([
    [{ mode: 'fast' }, 'Input "mode" must be one of build, platform, merge, promote, got "fast"'],
    [{ source: 'ghcr.io/o/app:1' }, 'Input "source" is set ("ghcr.io/o/app:1") with mode "build"'],
    [{ mode: 'merge', source: 'ghcr.io/o/app:1' }, 'only mode "promote" publishes an existing image'],
    [{ prune: 'yes' }, 'Input "prune" must be true or false, got "yes"']
  ])('bad pipeline inputs %j', (values, message) => {
    const source = (name: string) => (values as Record<string, string>)[name] ?? '';
    expect(() => readPipelineInputs(source)).toThrow(message);
  });
});
