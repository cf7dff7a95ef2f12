import { readBuildInputs } from '../../../src/build/inputs.js';
import { buildSecrets, maskSecrets, parseSecrets, secretBuildArgValues } from '../../../src/build/secrets.js';
import { InputError } from '../../../src/common/runner.js';
import { captureStdout } from '../../support/runner-sandbox.js';

const QUOTING =
  'a value over several lines must be quoted as a whole item ("id=line 1<newline>line 2"), quotes inside doubled';

describe('secrets, read as build-push-action documents them', () => {
  test.each([
    [
      'one per line',
      'a=1\nb=2',
      [
        { id: 'a', value: '1' },
        { id: 'b', value: '2' }
      ]
    ],
    ['commas and = stay in the value', 'tok=a,b=c', [{ id: 'tok', value: 'a,b=c' }]],
    [
      'a quoted multi-line value',
      '"KEY=-----BEGIN KEY-----\nMIIabc+/=\n-----END KEY-----"\nFOO=bar',
      [
        { id: 'KEY', value: '-----BEGIN KEY-----\nMIIabc+/=\n-----END KEY-----' },
        { id: 'FOO', value: 'bar' }
      ]
    ],
    [
      'an empty line inside quotes',
      '"EMPTYLINE=aaaa\n\nbbbb\nccc"',
      [{ id: 'EMPTYLINE', value: 'aaaa\n\nbbbb\nccc' }]
    ],
    [
      'quotes inside doubled',
      '"JSON_SECRET={""key1"":""value1"",""key2"":""value2""}"',
      [{ id: 'JSON_SECRET', value: '{"key1":"value1","key2":"value2"}' }]
    ],
    [
      'empty lines between items',
      'a=1\n\n\nb=2\n',
      [
        { id: 'a', value: '1' },
        { id: 'b', value: '2' }
      ]
    ],
    ['ids with dots and dashes', 'my.secret-id_2=v', [{ id: 'my.secret-id_2', value: 'v' }]],
    ['nothing', '', []]
  ])('%s', (_name, text, expected) => {
    expect(parseSecrets(text)).toEqual(expected);
  });

  const pem = [
    'KEY=-----BEGIN PRIVATE KEY-----',
    'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTU+t9Us8cKj=',
    'MIIsecondlinewithoutplusorslash=',
    '-----END PRIVATE KEY-----'
  ].join('\n');

  test.each([
    // An unquoted key falls apart: its base64 lines would become secrets of their own.
    ['an unquoted multi-line key', pem, 2, 'is not id=value'],
    // A continuation line with '=': today's main made it a secret of its own, its id in argv and log.
    ['a continuation line with =', 'KEY=first-line\nx+y/z=rest-of-it', 2, 'is not id=value'],
    // A continuation line without '=': refused, its text not repeated.
    ['a line without =', 'ok=1\nhunter2hunter2', 2, 'is not id=value'],
    // `abc=` may be the end of a wrapped secret: neither id nor value is repeated.
    ['an empty value', 'ok=1\nabcdefsecretpart=', 2, 'has an empty value'],
    ['an id with spaces', 'my secret=x', 1, 'is not id=value'],
    ['an empty id', '=value-of-secret', 1, 'is not id=value']
  ])('%s is refused by line number, without its text', (_name, text, line, reason) => {
    let message = '';
    try {
      readBuildInputs(name => (name === 'secrets' ? text : ''));
    } catch (err) {
      expect(err).toBeInstanceOf(InputError);
      message = (err as Error).message;
    }
    expect(message).toContain(`Input "secrets" line ${line} ${reason}`);
    // No piece of the input (beyond "=") appears in the error.
    for (const part of text.split(/[\n=]/).filter(p => p.length > 2)) expect(message).not.toContain(part);
  });

  test('an unquoted key: the error names the line and how to quote', () => {
    expect(() => parseSecrets(pem.replace('+', ''))).toThrow(
      new InputError(
        `Input "secrets" line 2 has an empty value: is its secret set? If the line belongs to the value above, ${QUOTING}`,
        ['secrets']
      )
    );
    expect(() => parseSecrets(pem)).toThrow(
      new InputError(
        `Input "secrets" line 2 is not id=value with an id of letters, digits, ".", "_" or "-"; ${QUOTING}`,
        ['secrets']
      )
    );
  });

  test('every value and each line of a multi-line value is masked', async () => {
    const { printed } = await captureStdout(() =>
      maskSecrets({ secrets: parseSecrets('"k=line-one\nline-two"\nb=short-value') })
    );
    expect(printed).toBe(
      '::add-mask::line-one%0Aline-two\n::add-mask::line-one\n::add-mask::line-two\n::add-mask::short-value\n'
    );
  });
});

describe('secrets read before the inputs are checked', () => {
  test('build args named as secrets, secret-envs values, secrets values even where they do not parse', () => {
    const source = (name: string) =>
      ({
        'github-token': 'ghs_token',
        secrets: 'A=sekret-one\nnot an item',
        'secret-envs': 'ID=MY_ENV',
        'build-args':
          'TOKEN=sekret-arg\nNPM_AUTH_TOKEN=sekret-npm\nVERSION=1.2.3\nMONKEY=banana\nKEY_ID=sekret-key'
      })[name] ?? '';
    expect(buildSecrets(source, { MY_ENV: 'sekret-env' })).toEqual([
      'ghs_token',
      'sekret-one',
      'not an item',
      'sekret-env',
      'sekret-arg',
      'sekret-npm',
      'sekret-key'
    ]);
    expect(secretBuildArgValues(['PASSWORD=p', 'password_file=/x', 'AUTHOR=me', 'TOKENS=t'])).toEqual([
      'p',
      '/x'
    ]);
  });
});
