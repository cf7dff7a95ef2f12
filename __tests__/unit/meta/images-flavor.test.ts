import { parseEntries } from '../../../src/meta/entries.js';
import { parseFlavor } from '../../../src/meta/flavor.js';
import { imageName, parseImages } from '../../../src/meta/images.js';

const images = (text: string) => parseImages(parseEntries('images', text)).map(i => [i.name, i.enable]);
const flavor = (text: string) => parseFlavor(parseEntries('flavor', text));

describe('images input', () => {
  test.each([
    ['name/foo', [['name/foo', true]]],
    [
      'name/foo,name/bar',
      [
        ['name/foo', true],
        ['name/bar', true]
      ]
    ],
    [
      'name/foo\nname/bar',
      [
        ['name/foo', true],
        ['name/bar', true]
      ]
    ],
    [
      'name=name/bar\nname/foo,enable=false\nname=ghcr.io/UserName/Foo,enable=true',
      [
        ['name/bar', true],
        ['name/foo', false],
        ['ghcr.io/UserName/Foo', true]
      ]
    ],
    [
      'a/b,',
      [
        ['a/b', true],
        ['', true]
      ]
    ],
    ['NAME=x/y', [['x/y', true]]]
  ])('%j gives %j', (text, expected) => {
    expect(images(text)).toEqual(expected);
  });

  test.each([
    [
      'value=name/foo',
      'Input "images", line 1 ("value=name/foo"): Unknown image attribute: value=name/foo (expected name= or enable=)'
    ],
    [
      'name/foo,bar=baz',
      'Input "images", line 1 ("name/foo,bar=baz"): Unknown image attribute: name/foo,bar=baz (expected name= or enable=)'
    ],
    [
      'a/b\nname/foo,enable=bar',
      'Input "images", line 2 ("name/foo,enable=bar"): Invalid enable attribute value: name/foo,enable=bar (expected enable=true or enable=false)'
    ],
    [
      'name=,enable=true',
      'Input "images", line 1 ("name=,enable=true"): Image name attribute empty: name=,enable=true (expected an image name such as ghcr.io/owner/app)'
    ]
  ])('%j fails: %s', (text, message) => {
    expect(() => images(text)).toThrow(message);
  });

  const image = (name: string) => ({ name, enable: true, entry: { input: 'images', line: 2, value: name } });

  test.each([
    ['name/app', 'name/app', undefined],
    [
      'ghcr.io/Octo-Org/Hello-World',
      'ghcr.io/octo-org/hello-world',
      'GHCR requires lower-case image names: using "ghcr.io/octo-org/hello-world" for "ghcr.io/Octo-Org/Hello-World"'
    ],
    ['OctoOrg/App', 'octoorg/app', 'image names are lower case: using "octoorg/app" for "OctoOrg/App"'],
    ['localhost:5000/a/b__c.d-e', 'localhost:5000/a/b__c.d-e', undefined],
    ['', '', undefined]
  ])('%j is used as %j', (name, expected, notice) => {
    expect(imageName(image(name))).toEqual(notice ? { name: expected, notice } : { name: expected });
  });

  test.each([
    ['name/app:1.0', 'an image name without a tag or digest (tags come from the tags input)'],
    ['name/app@sha256:abc', 'an image name without a tag or digest (tags come from the tags input)'],
    ['my image', 'a registry host, then path components of a-z, 0-9 and single . _ __ or - separators'],
    ['name/-app', 'a registry host, then path components of a-z, 0-9 and single . _ __ or - separators'],
    ['name//app', 'a registry host, then path components of a-z, 0-9 and single . _ __ or - separators']
  ])('%j is rejected, naming the line', (name, expected) => {
    expect(() => imageName(image(name))).toThrow(
      `Input "images", line 2 (${JSON.stringify(name)}): "${name}" is not a valid image name: expected ${expected}`
    );
  });
});

describe('flavor input', () => {
  const base = { latest: 'auto', prefix: '', prefixLatest: false, suffix: '', suffixLatest: false };
  test.each([
    ['', base],
    ['latest=true', { ...base, latest: 'true' }],
    ['latest=false', { ...base, latest: 'false' }],
    ['prefix=sha-', { ...base, prefix: 'sha-' }],
    ['suffix=-alpine', { ...base, suffix: '-alpine' }],
    [
      'latest=false\nprefix=dev-\nsuffix=-alpine',
      { ...base, latest: 'false', prefix: 'dev-', suffix: '-alpine' }
    ],
    ['prefix=dev-,onlatest=true', { ...base, prefix: 'dev-', prefixLatest: true }],
    ['suffix=-alpine,onlatest=true', { ...base, suffix: '-alpine', suffixLatest: true }],
    [
      'prefix=dev-,onlatest=true\nsuffix=-alpine,onlatest=true',
      { ...base, prefix: 'dev-', prefixLatest: true, suffix: '-alpine', suffixLatest: true }
    ],
    ['onlatest=true,prefix=p-', { ...base, prefix: 'p-' }],
    ['prefix=a=b', { ...base, prefix: 'a' }],
    ['PREFIX= x ', { ...base, prefix: 'x' }]
  ])('%j gives %j', (text, expected) => {
    expect(flavor(text)).toEqual(expected);
  });

  test.each([
    [
      'randomstr\nlatest=auto',
      'Input "flavor", line 1 ("randomstr"): Invalid flavor entry: randomstr (expected latest=, prefix= or suffix=)'
    ],
    [
      'unknwown=foo',
      'Input "flavor", line 1 ("unknwown=foo"): Unknown flavor entry: unknwown=foo (expected latest=, prefix=, suffix= or onlatest=)'
    ],
    [
      'latest',
      'Input "flavor", line 1 ("latest"): Invalid flavor entry: latest (expected latest=, prefix= or suffix=)'
    ],
    [
      'latest=foo',
      'Input "flavor", line 1 ("latest=foo"): Invalid latest flavor entry: latest=foo (expected latest=auto, true or false)'
    ],
    [
      'prefix=a,onlatest=yes',
      'Input "flavor", line 1 ("prefix=a,onlatest=yes"): Invalid value for onlatest attribute: yes (expected true or false)'
    ]
  ])('%j fails: %s', (text, message) => {
    expect(() => flavor(text)).toThrow(message);
  });
});
