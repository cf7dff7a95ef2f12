import { defaultImages } from '../../../src/pipeline/images.js';

describe('default images', () => {
  test.each([
    ['Octo-Org/Hello-World', '', ['ghcr.io/octo-org/hello-world']],
    ['octo-org/app', 'Mona', ['ghcr.io/octo-org/app', 'docker.io/mona/app']]
  ])('%s with docker hub user %j', (repository, user, expected) => {
    expect(defaultImages({ GITHUB_REPOSITORY: repository }, user)).toEqual(expected);
  });

  test('a missing GITHUB_REPOSITORY is an error', () => {
    expect(() => defaultImages({}, '')).toThrow('GITHUB_REPOSITORY must be owner/repo, got ""');
  });
});
