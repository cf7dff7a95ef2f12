/** Reading the Docker client's config file: a corrupt one is named, not a bare JSON error. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readConfig } from '../../../src/common/docker-config.js';

describe('readConfig', () => {
  const file = (text: string) => {
    const path = join(mkdtempSync(join(tmpdir(), 'docker-config-')), 'config.json');
    writeFileSync(path, text);
    return path;
  };

  test.each([
    ['{"auths": {', /^The Docker config file (\S+) is not valid JSON: .+/],
    ['{"auths": {}}}', /^The Docker config file (\S+) is not valid JSON: .+/],
    ['auths', /^The Docker config file (\S+) is not valid JSON: .+/]
  ])('%j names the file', (text, message) => {
    const path = file(text);
    let error: Error | undefined;
    try {
      readConfig(path);
    } catch (err) {
      error = err as Error;
    }
    expect(error?.message).toMatch(message);
    expect(message.exec(error!.message)![1]).toBe(path);
  });

  test.each([
    ['', {}],
    ['  \n', {}],
    ['{"auths":{"x":{"auth":"eDp5"}}}', { auths: { x: { auth: 'eDp5' } } }]
  ])('%j reads as %j', (text, expected) => {
    expect(readConfig(file(text))).toEqual(expected);
  });

  test('a missing file is an empty config', () => {
    expect(readConfig(join(tmpdir(), 'no-such-dir-for-config', 'config.json'))).toEqual({});
  });
});
