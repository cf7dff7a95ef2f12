import { readMetaInputs, readSettings } from '../../../src/meta/inputs.js';

const read = (values: Record<string, string>, env: NodeJS.ProcessEnv = {}) =>
  readMetaInputs(name => values[name] ?? '', env);

describe('meta inputs', () => {
  test('defaults', () => {
    const inputs = read({});
    expect(inputs.context).toBe('workflow');
    expect([inputs.sepTags, inputs.sepLabels, inputs.sepAnnotations]).toEqual(['\n', '\n', '\n']);
    expect(inputs.bakeTarget).toBe('docker-metadata-action');
    expect(inputs.images).toEqual([]);
    expect(inputs.tags.map(t => t.entry.value)).toEqual([
      'type=schedule',
      'type=ref,event=branch',
      'type=ref,event=tag',
      'type=ref,event=pr'
    ]);
    expect(inputs.settings).toEqual({
      annotationLevels: ['manifest'],
      setOutputEnv: true,
      prHeadSha: false,
      shortShaLength: undefined,
      sourceDate: undefined
    });
    expect(inputs.needsCommitDate).toBe(false);
  });

  test('separators keep their whitespace, other inputs are trimmed', () => {
    const inputs = read({
      'sep-tags': ' | ',
      'sep-labels': '\t',
      'bake-target': ' meta ',
      context: ' git ',
      'github-token': ' t '
    });
    expect([inputs.sepTags, inputs.sepLabels, inputs.bakeTarget, inputs.context, inputs.githubToken]).toEqual(
      [' | ', '\t', 'meta', 'git', 't']
    );
  });

  test('an invalid context names the input and what was expected', () => {
    expect(() => read({ context: 'banana' })).toThrow(
      'Input "context": Invalid context source: banana (expected workflow or git)'
    );
  });

  test('a bad entry in any list fails before anything runs, naming its line', () => {
    expect(() => read({ tags: 'type=sha\n\ntype=foo' })).toThrow(
      'Input "tags", line 3 ("type=foo"): Unknown tag type attribute: foo'
    );
    expect(() => read({ flavor: 'latest=maybe' })).toThrow(
      'Input "flavor", line 1 ("latest=maybe"): Invalid latest flavor entry'
    );
  });

  test('{{commit_date}} anywhere asks for the commit date', () => {
    expect(read({ labels: "a={{commit_date 'YYYY'}}" }).needsCommitDate).toBe(true);
    expect(read({ tags: "type=raw,value={{commit_date 'YYYY'}}" }).needsCommitDate).toBe(true);
    expect(read({ tags: "type=raw,value={{date 'YYYY'}}" }).needsCommitDate).toBe(false);
  });
});

describe('DOCKER_METADATA_* and SOURCE_DATE_EPOCH', () => {
  test.each([
    [{ DOCKER_METADATA_SET_OUTPUT_ENV: 'false' }, 'setOutputEnv', false],
    [{ DOCKER_METADATA_SET_OUTPUT_ENV: '0' }, 'setOutputEnv', false],
    [{ DOCKER_METADATA_SET_OUTPUT_ENV: 'T' }, 'setOutputEnv', true],
    [{ DOCKER_METADATA_PR_HEAD_SHA: 'TRUE' }, 'prHeadSha', true],
    [{ DOCKER_METADATA_PR_HEAD_SHA: 'no' }, 'prHeadSha', false],
    [{ DOCKER_METADATA_SHORT_SHA_LENGTH: '12' }, 'shortShaLength', '12'],
    [{ DOCKER_METADATA_ANNOTATIONS_LEVELS: 'manifest, index' }, 'annotationLevels', ['manifest', ' index']],
    [{ SOURCE_DATE_EPOCH: '1700000000' }, 'sourceDate', new Date('2023-11-14T22:13:20.000Z')]
  ])('%j sets %s to %j', (env, key, expected) => {
    expect(readSettings(env)[key as keyof ReturnType<typeof readSettings>]).toEqual(expected);
  });

  test('an invalid DOCKER_METADATA_SET_OUTPUT_ENV fails', () => {
    expect(() => readSettings({ DOCKER_METADATA_SET_OUTPUT_ENV: 'yes' })).toThrow(
      'DOCKER_METADATA_SET_OUTPUT_ENV: parseBool syntax error: yes (expected true or false)'
    );
  });

  test('an invalid SOURCE_DATE_EPOCH fails', () => {
    expect(() => readSettings({ SOURCE_DATE_EPOCH: '2024-01-01' })).toThrow(
      'SOURCE_DATE_EPOCH must be a whole number of seconds since 1970-01-01, got "2024-01-01"'
    );
  });

  test('unknown annotation levels are warned about', () => {
    const warnings: string[] = [];
    readSettings({ DOCKER_METADATA_ANNOTATIONS_LEVELS: 'manifest,indx,index[linux/amd64]' }, m =>
      warnings.push(m)
    );
    expect(warnings).toEqual([
      'DOCKER_METADATA_ANNOTATIONS_LEVELS: unknown level "indx" (buildx knows manifest, index, manifest-descriptor and index-descriptor)'
    ]);
  });
});
