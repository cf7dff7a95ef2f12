import { getBooleanInput, getInput, InputError, setOutput, setSecret } from '../../../src/common/runner.js';
import { runnerSandbox } from '../../support/runner-sandbox.js';

describe('runner protocol', () => {
  const runner = runnerSandbox('runner-');

  test('inputs come from INPUT_* with spaces as underscores, trimmed', () => {
    process.env['INPUT_SEP-TAGS'] = ' , ';
    process.env['INPUT_MY_INPUT'] = ' x ';
    expect(getInput('sep-tags')).toBe(',');
    expect(getInput('sep-tags', { trim: false })).toBe(' , ');
    expect(getInput('my input')).toBe('x');
    expect(() => getInput('absent', { required: true })).toThrow('Input required and not supplied: absent');
  });

  test.each([
    ['true', true],
    ['True', true],
    ['FALSE', false],
    ['', true]
  ])('boolean %j', (value, expected) => {
    process.env.INPUT_FLAG = value;
    expect(getBooleanInput('flag', true)).toBe(expected);
  });

  test('a boolean input names itself and the bad value', () => {
    process.env.INPUT_PUSH = 'yes';
    expect(() => getBooleanInput('push')).toThrow(
      new InputError('Input "push" must be true or false, got "yes"', ['push'])
    );
  });

  test('outputs are heredocs the runner can read back, multi-line values intact', () => {
    setOutput('tags', 'a:1\na:2');
    setOutput('json', { x: 1 });
    expect(runner.outputs()).toEqual({ tags: 'a:1\na:2', json: '{"x":1}' });
  });
});

describe('masking', () => {
  const runner = runnerSandbox('mask-');
  test('a secret is masked once, however often a stage hands it on', () => {
    setSecret('once-masked');
    setSecret('once-masked');
    setSecret('');
    setSecret('other-secret');
    expect(runner.printed()).toBe('::add-mask::once-masked\n::add-mask::other-secret\n');
  });
});
