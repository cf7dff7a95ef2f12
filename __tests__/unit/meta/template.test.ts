import { TemplateError } from '../../../src/meta/template/ast.js';
import { escapeExpression, isRawStatement, render, type Helper } from '../../../src/meta/template/render.js';

const helper =
  (name: string): Helper =>
  (params, hash) =>
    `${name}(${params.map(String).join('|')};${Object.entries(hash)
      .map(([k, v]) => `${k}:${String(v)}`)
      .join('|')})`;

const context = {
  branch: () => 'main',
  sha: () => '860c190',
  date: helper('date'),
  version: '1.2.3',
  major: 1,
  zero: 0,
  no: false,
  arr: ['beta', 67],
  empty: [],
  obj: { a: { b: 'deep' } },
  html: `a&b<c>"d'e\`f=g`,
  nothing: null,
  yes: () => 'true'
};

describe('template rendering (Handlebars semantics)', () => {
  test.each([
    ['plain text', 'plain text'],
    ['{{branch}}', 'main'],
    ['{{ branch }}', 'main'],
    ['x-{{branch}}-{{sha}}', 'x-main-860c190'],
    ["{{date 'YYYYMMDD'}}", 'date(YYYYMMDD;)'],
    ['{{date "YYYY" tz="Asia/Tokyo"}}', 'date(YYYY;tz:Asia/Tokyo)'],
    ["{{{date 'a' tz='b'}}}", 'date(a;tz:b)'],
    ['{{version}}', '1.2.3'],
    ['{{major}}.{{zero}}', '1.0'],
    ['{{no}}', 'false'],
    ['{{arr}}', 'beta,67'],
    ['{{empty}}', ''],
    ['{{obj}}', '[object Object]'],
    ['{{obj.a.b}} {{obj/a/b}} {{obj.[a].b}}', 'deep deep deep'],
    ['{{this.version}} {{./version}} {{[version]}}', '1.2.3 1.2.3 1.2.3'],
    ['{{html}}', 'a&amp;b&lt;c&gt;&quot;d&#x27;e&#x60;f&#x3D;g'],
    ['{{{html}}}', `a&b<c>"d'e\`f=g`],
    ['{{& html}}', `a&b<c>"d'e\`f=g`],
    ['{{nothing}}', ''],
    ['{{arr.[0]}}/{{arr.length}}', 'beta/2'],
    ['\\{{branch}}', '{{branch}}'],
    ['\\\\{{branch}}', '\\main'],
    ['a \\{{b}} {{branch}} \\{{c}}', 'a {{b}} main {{c}}'],
    ['{{! comment }}x', 'x'],
    ['{{!-- long }} comment --}}y', 'y'],
    ['a {{~branch~}} b', 'amainb'],
    ['a {{~!c~}} b', 'ab'],
    [' {{!x}} ', ''],
    ['{{#if no}}yes{{else}}no{{/if}}', 'no'],
    ['{{#if yes}}D{{/if}}', 'D'],
    ['{{#unless no}}u{{/unless}}', 'u'],
    ['{{#if zero}}z{{else if major}}m{{/if}}', 'm'],
    ['{{#each arr}}[{{@index}}:{{this}}]{{/each}}', '[0:beta][1:67]'],
    ['{{#with obj}}{{a.b}}{{/with}}', 'deep'],
    ['{{#obj}}{{a.b}}{{/obj}}', 'deep'],
    ['{{^empty}}none{{/empty}}', 'none'],
    ['{{#version}}[{{this}}]{{/version}}', '[1.2.3]'],
    ['{{lookup arr 0}}', 'beta'],
    ["{{date (branch) 'x'}}", 'date(main|x;)'],
    ['{{date 1.5 true null}}', 'date(1.5|true|null;)'],
    ["{{date 'x}}y'}}", 'date(x}}y;)'],
    ['{{date "a\\"b"}}', 'date(a&quot;b;)'],
    ['{{1}}{{true}}{{-1}}', ''],
    ['{{../version}}{{version.x}}', ''],
    ['{{@root.version}}', '1.2.3'],
    ['{ {branch} } a}}b', '{ {branch} } a}}b']
  ])('%j renders %j', (template, expected) => {
    expect(render(template, context)).toBe(expected);
  });

  test.each([
    ['{{branch', /^Parse error on line 1: expected "}}"/],
    ['{{}}', /^Parse error on line 1: expected an expression/],
    ['a\nb {{#if no}}x{{/unless}}', /if doesn't match unless/],
    ['{{else}}', /{{else}} outside of a block/],
    ['{{#if no}}', /{{#if}} is not closed/],
    ['{{a.this}}', /Invalid path: a.this/],
    ['x\n{{> partial}}', /^Parse error on line 2: partials/],
    ["{{date 'unterminated}}", /unterminated string/],
    ['{{foo 1}}', /^Missing helper: "foo"$/],
    ['{{version 1}}', /"version" is not a helper/],
    ['{{#if}}{{/if}}', /#if requires exactly one argument/]
  ])('%j fails: %s', (template, message) => {
    expect(() => render(template, context)).toThrow(TemplateError);
    expect(() => render(template, context)).toThrow(message);
  });

  test('an unknown simple expression renders empty and is reported', () => {
    const missing: string[] = [];
    expect(render('a{{nope}}b{{this.gone}}{{@index}}', context, { onMissing: e => missing.push(e) })).toBe(
      'ab'
    );
    expect(missing).toEqual(['nope', 'this.gone']);
  });

  test('helpers see the context as this', () => {
    const ctx = {
      is_default: () => 'true',
      is_not: function (this: { is_default: () => string }) {
        return this.is_default() === 'false' ? 'true' : 'false';
      }
    };
    expect(render('{{is_not}}', ctx)).toBe('false');
  });

  test.each([
    ['{{raw}}', true],
    ['{{ raw }}', true],
    ['{{ raw}}', true],
    ['{{{raw}}}', true],
    ['{{this.raw}}', true],
    ['{{ raw }}.{{ version }}', false],
    ['{{ version }},{{raw }.', false],
    ['v{{raw}}', false],
    ["{{'raw'}}", false]
  ])('isRawStatement(%j) is %s', (pattern, expected) => {
    expect(isRawStatement(pattern)).toBe(expected);
  });

  test.each([
    [null, ''],
    [undefined, ''],
    [false, 'false'],
    [0, '0'],
    ['a=b', 'a&#x3D;b']
  ])('escapeExpression(%j) is %j', (value, expected) => {
    expect(escapeExpression(value)).toBe(expected);
  });
});
