/** The root action's login checks and its own reading of step inputs. */
import { rootStepInputs } from '../../../src/pipeline/inputs.js';
import { checkAddedLogins, checkUserLogins } from '../../../src/pipeline/logins.js';

describe('login checks', () => {
  test('a pull_request without secrets: empty credentials are no error where nothing logs in', () => {
    const root = (values: Record<string, string>) => (name: string) => values[name] ?? '';
    expect(() => checkUserLogins(root({ username: 'u' }), {}, false)).not.toThrow();
    expect(() =>
      checkUserLogins(
        root({ 'registry-auth': '- registry: ghcr.io\n  username: u\n  password: ""' }),
        {},
        false
      )
    ).not.toThrow();
    expect(() => checkUserLogins(root({ logout: 'maybe' }), {}, false)).toThrow(
      'Input "logout" must be true or false, got "maybe"'
    );
    expect(() => checkUserLogins(root({ username: 'u' }), {}, true)).toThrow(
      'Input "password" is required to log in to docker.io (set: "username", and "registry" is empty, which means Docker Hub)'
    );
  });

  test('the GHCR login the pipeline adds needs the github-token and the actor', () => {
    expect(() => checkAddedLogins([{ registry: 'ghcr.io' }], 't', 'mona')).not.toThrow();
    expect(() => checkAddedLogins([{ registry: 'ghcr.io' }], 't', '')).toThrow('GITHUB_ACTOR is not set');
    expect(() => checkAddedLogins([{ registry: 'x', username: 'u', password: '' }], '', '')).not.toThrow();
  });
});

describe('root step inputs', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  test.each([
    ['sep-tags', ' ', ' '],
    ['sep-labels', ',', ','],
    ['sep-annotations', '\t', '\t'],
    ['tags', ' type=ref,event=branch \n', 'type=ref,event=branch'],
    ['images', '  ghcr.io/o/app  ', 'ghcr.io/o/app']
  ])('%s %j reads as %j, as the meta stage reads it', (name, raw, expected) => {
    process.env[`INPUT_${name.toUpperCase()}`] = raw;
    expect(rootStepInputs(name)).toBe(expected);
  });
});
