import { readRunContext } from '../../../src/common/run-context.js';
import { defaultImages } from '../../../src/pipeline/images.js';

describe('default images', () => {
  test.each([
    ['Octo-Org/Hello-World', '', ['ghcr.io/octo-org/hello-world']],
    ['octo-org/app', 'Mona', ['ghcr.io/octo-org/app', 'docker.io/mona/app']]
  ])('%s with docker hub user %j', (repository, user, expected) => {
    expect(defaultImages(readRunContext({ GITHUB_REPOSITORY: repository }), user)).toEqual(expected);
  });

  test('a run without a repository is an error', () => {
    expect(() => defaultImages(readRunContext({}), '')).toThrow(
      'GITHUB_REPOSITORY must be owner/repo, got ""'
    );
  });
});
