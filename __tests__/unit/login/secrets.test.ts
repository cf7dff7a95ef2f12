import { loginSecrets, writtenPasswords } from '../../../src/login/secrets.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('login secrets, read before the inputs are checked', () => {
  test.each([
    ['*abc-sekret', ['*abc-sekret', 'abc-sekret']],
    ['!!abc-sekret', ['!!abc-sekret', 'abc-sekret']],
    ['!tag abc-sekret', ['!tag abc-sekret', 'tag', '!tag', 'abc-sekret'].filter(p => p.length > 3)],
    ['"quoted-sekret"', ['"quoted-sekret"']],
    ['abc', []]
  ])('a password written %j, and the parts YAML errors quote', (written, parts) => {
    expect(writtenPasswords(`- registry: r.example\n  password: ${written}\n`)).toEqual(parts);
  });

  test('passwords, the github-token and the auth values docker login writes', () => {
    const inputs: Record<string, string> = {
      'github-token': 'ghs_token',
      'registry-auth':
        '- registry: ghcr.io\n- registry: r.example\n  username: u\n  password: |\n    line-one\n    line-two\n'
    };
    expect(loginSecrets(name => inputs[name] ?? '', 'mona')).toEqual([
      'ghs_token',
      b64('mona:ghs_token'),
      'line-one\nline-two',
      b64('u:line-one\nline-two')
    ]);
  });

  test('a registry-auth that does not parse still gives its written passwords', () => {
    const yaml = '- registry: r.example\n  username: u\n  password: *alias-sekret\n';
    expect(loginSecrets(name => (name === 'registry-auth' ? yaml : ''), '')).toEqual([
      '*alias-sekret',
      'alias-sekret'
    ]);
  });
});
