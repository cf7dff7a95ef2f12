import { InputError } from '../../../src/common/errors.js';
import { readRunContext } from '../../../src/common/run-context.js';
import { readPruneInputs } from '../../../src/prune/inputs.js';

const prefixed = (name: string) => `prune-${name}`;

/** The InputError that reading prune's inputs from `inputs` throws. */
function pruneError(inputs: Record<string, string>): InputError {
  try {
    readPruneInputs(name => ({ token: 't', owner: 'o', ...inputs })[name] ?? '', readRunContext({}), {});
  } catch (err) {
    if (err instanceof InputError) return err;
    throw err;
  }
  throw new Error('no InputError');
}

describe('InputError names its inputs as data', () => {
  test.each([
    [
      { 'keep-n-untagged': '3', 'delete-untagged': 'false' },
      ['keep-n-untagged', 'delete-untagged'],
      'Inputs "prune-keep-n-untagged" (3) and "prune-delete-untagged" (false) contradict each other: ' +
        'keep-n-untagged only applies when untagged versions are deleted'
    ],
    [
      { 'keep-tags': 'v*', 'delete-tags': 'v*' },
      ['keep-tags', 'delete-tags'],
      'Inputs "prune-keep-tags" and "prune-delete-tags" both list the pattern "v*"'
    ],
    [
      { 'delete-untagged': 'false' },
      ['delete-untagged', 'keep-n-tagged', 'delete-tags'],
      'Inputs "prune-delete-untagged" (false), "prune-keep-n-tagged" (unset) and "prune-delete-tags" (empty) leave nothing to delete'
    ]
  ])('a message naming several inputs renames every one: %j', (inputs, names, renamed) => {
    const err = pruneError(inputs);
    expect(err.inputs).toEqual(names);
    const root = err.renamed(prefixed);
    expect(root).toBeInstanceOf(InputError);
    expect(root.message).toBe(renamed);
    expect(root.inputs).toEqual(names.map(prefixed));
  });

  test('only exact quoted occurrences of the listed names; a new name is not renamed again', () => {
    const err = new InputError('Input "tags" is empty (see "tags-x", tags and "tag"); "push" is "tags"', [
      'tags',
      'push'
    ]);
    const renamed = err.renamed(name => (name === 'tags' ? 'push' : 'build-push'));
    expect(renamed.message).toBe(
      'Input "push" is empty (see "tags-x", tags and "tag"); "build-push" is "push"'
    );
    expect(renamed.inputs).toEqual(['push', 'build-push']);
  });

  test('names with characters special in a regular expression; no names; the cause kept', () => {
    const cause = new Error('underneath');
    const err = new InputError('Input "a.b" and "axb"', ['a.b'], { cause });
    expect(err.renamed(n => `root-${n}`).message).toBe('Input "root-a.b" and "axb"');
    expect(err.renamed(n => n).cause).toBe(cause);
    expect(new InputError('GITHUB_SHA is odd', []).renamed(prefixed).message).toBe('GITHUB_SHA is odd');
  });
});
