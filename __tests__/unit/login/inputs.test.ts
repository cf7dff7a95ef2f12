import { InputError } from '../../../src/common/runner.js';
import { parseRegistryAuth, readLoginInputs } from '../../../src/login/inputs.js';
import { readRunContext } from '../../../src/common/run-context.js';

const source = (values: Record<string, string>) => (name: string) => values[name] ?? '';
const env = { GITHUB_ACTOR: 'mona' };

describe('readLoginInputs', () => {
  test.each([
    [
      'Docker Hub by default',
      { username: 'u', password: 'p' },
      {
        kind: 'stage',
        logins: [{ registry: 'docker.io', username: 'u', password: 'p', githubToken: false }],
        logout: true
      }
    ],
    [
      'ghcr.io: actor and github-token by default',
      { registry: 'ghcr.io', 'github-token': 'ghs_x', logout: 'false' },
      {
        kind: 'stage',
        logins: [{ registry: 'ghcr.io', username: 'mona', password: 'ghs_x', githubToken: true }],
        logout: false
      }
    ],
    [
      'ghcr.io: explicit values win',
      { registry: 'ghcr.io', username: 'bot', password: 'ghp_y', 'github-token': 'ghs_x' },
      {
        kind: 'stage',
        logins: [{ registry: 'ghcr.io', username: 'bot', password: 'ghp_y', githubToken: false }],
        logout: true
      }
    ],
    [
      'registry-auth: several registries, strings kept as written',
      {
        'registry-auth': '- registry: ghcr.io\n- registry: 127.0.0.1:5002\n  username: u\n  password: 0123\n',
        'github-token': 'ghs_x'
      },
      {
        kind: 'stage',
        logins: [
          { registry: 'ghcr.io', username: 'mona', password: 'ghs_x', githubToken: true },
          { registry: '127.0.0.1:5002', username: 'u', password: '0123', githubToken: false }
        ],
        logout: true
      }
    ]
  ])('%s', (_name, values, expected) => {
    expect(readLoginInputs(source(values), readRunContext(env), env)).toEqual(expected);
  });

  test.each([
    [{ password: 'p' }, 'Input "username" is required to log in to docker.io'],
    [{ username: 'u' }, 'Input "password" is required to log in to docker.io'],
    [{ registry: 'ghcr.io' }, 'Input "password" is required to log in to ghcr.io (or set github-token)'],
    [
      { registry: 'ghcr io', username: 'u', password: 'p' },
      'Input "registry" is not a registry host: "ghcr io"'
    ],
    [
      { 'registry-auth': '- registry: a.io', username: 'u' },
      'Input "registry-auth" cannot be combined with "username"'
    ],
    [{ 'registry-auth': 'registry: a.io' }, 'Input "registry-auth" must be a YAML list'],
    [{ 'registry-auth': '[]' }, 'Input "registry-auth" lists no registry'],
    [
      { 'registry-auth': '- registry: a.io\n  username: u' },
      'Input "registry-auth" item 1 "password" is required'
    ],
    [
      {
        'registry-auth':
          '- {registry: a.io, username: u, password: p}\n- {registry: a.io, username: v, password: q}'
      },
      'Input "registry-auth" lists a.io twice'
    ],
    [{ logout: 'maybe', username: 'u', password: 'p' }, 'Input "logout" must be true or false, got "maybe"']
  ])('%j fails: %s', (values, message) => {
    expect(() => readLoginInputs(source(values), readRunContext(env), env)).toThrow(InputError);
    expect(() => readLoginInputs(source(values), readRunContext(env), env)).toThrow(message);
  });

  test('a YAML error names the place, never the text (it holds passwords)', () => {
    const yaml = '- registry: a.io\n  password: "s3cret';
    expect(() => parseRegistryAuth(yaml)).toThrow(
      /^Input "registry-auth" is not valid YAML at item 1 line 2, column \d+: /
    );
    try {
      parseRegistryAuth(yaml);
    } catch (err) {
      expect(String(err)).not.toContain('s3cret');
    }
  });

  const errorOf = (yaml: string) => {
    try {
      parseRegistryAuth(yaml);
    } catch (err) {
      expect(err).toBeInstanceOf(InputError);
      return (err as Error).message;
    }
    throw new Error('no error');
  };

  test.each([
    ['an alias', '*abc', 'abc'],
    ['a YAML tag', '!!abc', 'abc'],
    ['a local tag and text', '!tag abc', 'abc'],
    ['an anchor on text (read as "rest")', '&abc rest', 'abc'],
    ['an anchor alone (read as empty)', '&abc', 'abc']
  ])(
    'a password that YAML reads as %s: "quote it", naming item and line, no part of it',
    (_name, pw, part) => {
      const yaml = `- registry: a.io
  username: u
- registry: b.io
  username: u
  password: ${pw}
`;
      const message = errorOf(yaml);
      expect(message).toBe(
        'Input "registry-auth" item 2 line 5: the password starts with "&", "*" or "!", which YAML reads ' +
          "as an anchor, alias or tag, not as text: quote it (password: '...')"
      );
      expect(message).not.toContain(part);
      expect(message).not.toContain(pw);
    }
  );

  test.each([
    ['flow style', '[{registry: a.io, username: u, password: *zz9}]', 'line 1'],
    ['JSON keys', '[{"registry": "a.io", "username": "u", "password": !zz9}]', 'line 1']
  ])('%s: the same error', (_name, yaml, where) => {
    const message = errorOf(yaml);
    expect(message).toMatch(new RegExp(`^Input "registry-auth" ${where}: the password starts with`));
    expect(message).not.toContain('zz9');
  });

  test('quoted, the same characters are a password like any other', () => {
    expect(parseRegistryAuth("- registry: a.io\n  username: u\n  password: '*abc'\n")).toEqual([
      { registry: 'a.io', username: 'u', password: '*abc' }
    ]);
    expect(parseRegistryAuth('[{"registry":"a.io","username":"u","password":"!!abc"}]')).toEqual([
      { registry: 'a.io', username: 'u', password: '!!abc' }
    ]);
  });

  test('js-yaml reasons that repeat a name are cut to their words', () => {
    const message = errorOf('- registry: a.io\n  username: u\n  password: [x, *pw9]\n');
    expect(message).toMatch(
      /^Input "registry-auth" is not valid YAML at item 1 line 3, column \d+: unidentified alias$/
    );
    expect(message).not.toContain('pw9');
  });
});
