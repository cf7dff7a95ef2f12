import { clean, explain, major, minor, patch, valid } from '../../../src/meta/pep440.js';

describe('PEP 440 versions', () => {
  test.each([
    ['1.2.3', '1.2.3', false, false, false],
    ['v1.2.3', '1.2.3', false, false, false],
    ['V1.0', '1.0', false, false, false],
    ['1.2.3rc2', '1.2.3rc2', true, false, false],
    ['1.2.3beta2', '1.2.3b2', true, false, false],
    ['1.0.alpha-1', '1.0a1', true, false, false],
    ['1.0c1', '1.0rc1', true, false, false],
    ['1.0preview2', '1.0rc2', true, false, false],
    ['1.0a', '1.0a0', true, false, false],
    ['1.2post1', '1.2.post1', false, true, false],
    ['1.0rev3', '1.0.post3', false, true, false],
    ['1.0-1', '1.0.post1', false, true, false],
    ['1.0dev4', '1.0.dev4', true, false, true],
    ['1.0_rc_1.post_2.dev_3', '1.0rc1.post2.dev3', true, true, true],
    ['1!2.0', '1!2.0', false, false, false],
    ['01.02', '1.2', false, false, false],
    ['1.0+abc.1', '1.0+abc,1', false, false, false],
    ['1.2.3+local_1-A', '1.2.3+local,1,a', false, false, false]
  ])('%s cleans to %s (pre %s, post %s, dev %s)', (version, cleaned, pre, post, dev) => {
    expect(valid(version)).toBe(true);
    expect(clean(version)).toBe(cleaned);
    const e = explain(version)!;
    expect([e.isPrerelease, e.isPostrelease, e.isDevrelease]).toEqual([pre, post, dev]);
  });

  test.each(['', 'x1.0', 'sometag', '1.2.3-beta.67.x', 'release1'])(
    '%j is not a PEP 440 version',
    version => {
      expect(valid(version)).toBe(false);
      expect(explain(version)).toBeNull();
    }
  );

  test('surrounding whitespace is accepted by clean only', () => {
    expect(valid('  1.0  ')).toBe(false);
    expect(clean('  1.0  ')).toBe('1.0');
  });

  test.each([
    ['1.2.3', 1, 2, 3],
    ['2', 2, 0, 0],
    ['1.2', 1, 2, 0],
    ['4.5.6.7', 4, 5, 6]
  ])('%s has major %d, minor %d, patch %d', (version, ma, mi, pa) => {
    expect([major(version), minor(version), patch(version)]).toEqual([ma, mi, pa]);
  });

  test('major of an invalid version throws', () => {
    expect(() => major('nope')).toThrow('Invalid Version: nope');
  });
});
