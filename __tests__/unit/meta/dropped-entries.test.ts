/**
 * What metadata-action drops without a word is dropped here too (the outputs stay the same), but
 * named in a warning: a label or annotation without `=`, and an event payload file that is missing.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { branch, inputs, load, meta } from './helpers.js';

describe('entries without "="', () => {
  test.each([
    [
      'labels',
      'maintainer=me\nnoequals\nx=1',
      'Input "labels": "noequals" has no "=" (key=value) and is ignored'
    ],
    [
      'annotations',
      'org.opencontainers.image.vendor\nx=1',
      'Input "annotations": "org.opencontainers.image.vendor" has no "=" (key=value) and is ignored'
    ]
  ])(
    '%s: the entry is dropped as metadata-action drops it, with a warning naming it',
    (input, value, warning) => {
      const withEntry = meta({ images: 'user/app', [input]: value }, branch('main'));
      const without = meta(
        {
          images: 'user/app',
          [input]: value
            .split('\n')
            .filter(l => l.includes('='))
            .join('\n')
        },
        branch('main')
      );
      expect(withEntry.labels).toEqual(without.labels);
      expect(withEntry.annotations).toEqual(without.annotations);
      expect(withEntry.json).toEqual(without.json);
      expect(withEntry.warnings.filter(w => w.includes('"="'))).toEqual([warning]);
      expect(without.warnings.filter(w => w.includes('"="'))).toEqual([]);
    }
  );

  test('an entry that renders to key=value is kept without a warning', () => {
    const result = meta({ images: 'user/app', labels: 'v={{branch}}' }, branch('main'));
    expect(result.labels).toContain('v=main');
    expect(result.warnings.filter(w => w.includes('"="'))).toEqual([]);
  });
});

describe('the event payload file', () => {
  test('GITHUB_EVENT_PATH naming no file: an empty payload and a warning with the path', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'meta-event-')), 'gone.json');
    const ctx = await load(inputs({}), { GITHUB_EVENT_PATH: path, GITHUB_EVENT_NAME: 'push' });
    expect(ctx.payload).toEqual({});
    expect(ctx.warnings).toEqual([
      `GITHUB_EVENT_PATH ${path} does not exist: the event payload is empty`,
      "GITHUB_REPOSITORY is not set: using the event payload's repository for labels"
    ]);
  });

  test('no GITHUB_EVENT_PATH at all (a local run): no warning about it', async () => {
    const ctx = await load(inputs({}), { GITHUB_EVENT_NAME: 'push' });
    expect(ctx.warnings).toEqual([
      "GITHUB_REPOSITORY is not set: using the event payload's repository for labels"
    ]);
  });
});
