/** OCI labels and annotations, their levels, and the json output. */
import { labelObject, sortByKey, withLevels } from '../../../src/meta/labels.js';
import { branch, ctx, meta, NOW, SHA, tag } from './helpers.js';

const ociFor = (version: string, sha = SHA) => [
  `org.opencontainers.image.created=${NOW.toISOString()}`,
  'org.opencontainers.image.description=This your first repo!',
  'org.opencontainers.image.licenses=MIT',
  `org.opencontainers.image.revision=${sha}`,
  'org.opencontainers.image.source=https://github.com/octocat/Hello-World',
  'org.opencontainers.image.title=Hello-World',
  'org.opencontainers.image.url=https://github.com/octocat/Hello-World',
  `org.opencontainers.image.version=${version}`
];

describe('labels', () => {
  test('derived from the repository, the version and the commit, sorted by key', () => {
    expect(meta({ images: 'user/app' }, tag('v1.2.3')).labels).toEqual(ociFor('v1.2.3'));
  });

  test('custom labels override and extend them; one value per key, the last wins', () => {
    const labels = meta(
      {
        labels:
          'maintainer=CrazyMax\norg.opencontainers.image.title=MyCustomTitle\norg.opencontainers.image.vendor=MyCompany\nx=1\nx=2\nnoequals\nurl=https://x/y?a=b&c#d'
      },
      branch('master')
    ).labels;
    expect(labels).toEqual([
      'maintainer=CrazyMax',
      `org.opencontainers.image.created=${NOW.toISOString()}`,
      'org.opencontainers.image.description=This your first repo!',
      'org.opencontainers.image.licenses=MIT',
      `org.opencontainers.image.revision=${SHA}`,
      'org.opencontainers.image.source=https://github.com/octocat/Hello-World',
      'org.opencontainers.image.title=MyCustomTitle',
      'org.opencontainers.image.url=https://github.com/octocat/Hello-World',
      'org.opencontainers.image.vendor=MyCompany',
      'org.opencontainers.image.version=master',
      'url=https://x/y?a=b&c#d',
      'x=2'
    ]);
  });

  test('keys sort the way String.localeCompare sorts them', () => {
    const keys = meta({ labels: 'Z=1\na=2\nB=3\n_=4\n1=5' }, branch('master')).labels.map(
      l => l.split('=')[0]
    );
    expect(keys.filter(k => !k.startsWith('org.'))).toEqual(['_', '1', 'a', 'B', 'Z']);
  });

  test('expressions render in labels, with Handlebars escaping', () => {
    const labels = meta(
      { labels: "built={{commit_date 'YYYY-MM-DDTHH:mm:ss.SSS[Z]'}}\nref={{branch}}\neq={{date 'YYYY=MM'}}" },
      branch('dev')
    ).labels;
    expect(labels).toContain('built=2019-12-31T22:10:20.000Z');
    expect(labels).toContain('ref=dev');
    expect(labels).toContain('eq=2020&#x3D;01');
  });

  test('an empty version and repository data give empty values', () => {
    const repo = { name: '', description: '', htmlUrl: '', license: '' };
    const labels = meta({ tags: 'type=sha' }, { ...branch('x'), sha: '', repoInfo: repo }).labels;
    expect(labels.filter(l => /\.(version|revision|title|licenses)=/.test(l))).toEqual([
      'org.opencontainers.image.licenses=',
      'org.opencontainers.image.revision=',
      'org.opencontainers.image.title=',
      'org.opencontainers.image.version='
    ]);
  });

  test('the created label is the context created date (SOURCE_DATE_EPOCH when set)', () => {
    const created = new Date('2001-02-03T04:05:06.000Z');
    expect(meta({}, { ...branch('master'), created }).labels[0]).toBe(
      'org.opencontainers.image.created=2001-02-03T04:05:06.000Z'
    );
  });
});

describe('annotations', () => {
  test('same defaults, own custom entries, at the manifest level by default', () => {
    const result = meta({ annotations: 'org.opencontainers.image.vendor=Octo' }, branch('master'));
    expect(result.annotations).toEqual(
      [...ociFor('master').slice(0, 7), 'org.opencontainers.image.vendor=Octo', ociFor('master')[7]].map(
        a => `manifest:${a}`
      )
    );
    expect(result.labels).not.toContain('org.opencontainers.image.vendor=Octo');
  });

  test('DOCKER_METADATA_ANNOTATIONS_LEVELS repeats them per level, as written', () => {
    const result = meta({}, branch('master'), { DOCKER_METADATA_ANNOTATIONS_LEVELS: 'manifest,index' });
    expect(result.annotations).toHaveLength(16);
    expect(result.annotations[0]).toMatch(/^manifest:org\.opencontainers\.image\.created=/);
    expect(result.annotations[8]).toMatch(/^index:org\.opencontainers\.image\.created=/);
    expect(withLevels(['a=1'], ['manifest', ' index'])).toEqual(['manifest:a=1', ' index:a=1']);
  });

  test('an unknown level is kept as written', () => {
    const result = meta({}, branch('master'), { DOCKER_METADATA_ANNOTATIONS_LEVELS: 'manifest,indx' });
    expect(result.annotations[8]).toMatch(/^indx:org\.opencontainers\.image\.created=/);
  });
});

describe('json output and bake definitions', () => {
  test('json holds tags, tag-names, labels as an object and annotations', () => {
    const result = meta(
      { images: 'user/app\nghcr.io/User/App', tags: 'type=semver,pattern={{version}}' },
      tag('v1.0.0')
    );
    expect(result.json.tags).toEqual([
      'user/app:1.0.0',
      'user/app:latest',
      'ghcr.io/user/app:1.0.0',
      'ghcr.io/user/app:latest'
    ]);
    expect(result.json['tag-names']).toEqual(['1.0.0', 'latest']);
    expect(result.json.labels['org.opencontainers.image.version']).toBe('1.0.0');
    expect(result.json.annotations).toEqual(result.annotations);
    expect(result.notices).toEqual([
      'GHCR requires lower-case image names: using "ghcr.io/user/app" for "ghcr.io/User/App"'
    ]);
  });

  test('bake definitions use the bake target and carry images and version as args', () => {
    const result = meta(
      { images: 'a/b,enable=false\nc/d', tags: 'type=raw,value=x', 'bake-target': 'meta' },
      branch('master')
    );
    expect(result.bake.tags).toEqual({
      target: { meta: { tags: ['c/d:x'], args: { DOCKER_META_IMAGES: 'c/d', DOCKER_META_VERSION: 'x' } } }
    });
    expect(result.bake.labels.target.meta).toEqual({ labels: labelObject(result.labels) });
    expect(result.bake.annotations.target.meta).toEqual({ annotations: result.annotations });
    expect(Object.keys(result.bake.all.target.meta)).toEqual(['tags', 'labels', 'args']);
  });

  test('labelObject splits at the first = and keeps one line of the value', () => {
    expect(labelObject(['a=b=c', 'k=', 'multi=x\ny', 'none'])).toEqual({ a: 'b=c', k: '', multi: 'x' });
  });

  test('no image: bare tags; a disabled single image: bare tags too', () => {
    expect(meta({ tags: 'type=raw,value=x' }, branch('master')).tags).toEqual(['x']);
    expect(meta({ images: 'a/b,enable=false', tags: 'type=raw,value=x' }, branch('master')).tags).toEqual([
      'x'
    ]);
  });

  test('no version: empty outputs and the two metadata-action warnings', () => {
    const result = meta({ tags: 'type=ref,event=pr' }, ctx());
    expect([result.version, result.tags, result.tagNames]).toEqual(['', [], []]);
    expect(result.warnings).toEqual([
      'No Docker image version has been generated. Check tags input.',
      'No Docker tag has been generated. Check tags input.'
    ]);
  });
});

describe('sorting label keys', () => {
  const keys = ['org.b', 'a-b', 'a.b', 'a0', 'z', 'a', 'org.a-1', 'org.a.1'];
  test.each([{ LANG: 'C.UTF-8' }, { LANG: 'en_US.UTF-8' }, {}, { LC_ALL: 'de_DE.UTF-8' }])(
    'with %j it matches localeCompare',
    env => {
      const sorted = sortByKey(
        keys.map(k => [k, 1] as [string, number]),
        env
      ).map(([k]) => k);
      expect(sorted).toEqual([...keys].sort((a, b) => a.localeCompare(b)));
      expect(sorted).toEqual(['a', 'a-b', 'a.b', 'a0', 'org.a-1', 'org.a.1', 'org.b', 'z']);
    }
  );

  test('other keys use localeCompare', () => {
    const sorted = sortByKey(
      ['b', 'B', '_x', 'a'].map(k => [k, 1] as [string, number]),
      { LANG: 'C' }
    ).map(([k]) => k);
    expect(sorted).toEqual(['_x', 'a', 'b', 'B']);
  });
});
