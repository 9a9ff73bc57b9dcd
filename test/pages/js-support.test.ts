// The syntax check the compile test runs on miniprogram-ci's output (scripts/js-support.ts): it must
// refuse what iOS 13's JavaScriptCore cannot parse and the helpers an ES5 build adds, and pass ES2019.
import { unsupportedJs } from '../../scripts/js-support';

test('ES2019 code passes: async/await, object spread, optional catch binding, named groups, a literal "(?<=" in a regex', () => {
  const code = [
    'async function load(o){const{a,...rest}=o;const r=await fetch();try{JSON.parse(r)}catch{return{...rest,a}}}',
    'const m=/(?<year>\\d{4})-\\d{2}/.exec("2026-12");const l=/\\(?<=x/;',
    'class A{constructor(){this.x=1}static of(){return new A}}',
  ].join('\n');
  expect(unsupportedJs({ 'pages/catalog/index.js': code, 'app.json': '{"a":1}' })).toEqual([]);
});

test.each([
  ['optional chaining', 'const a=b?.c;'],
  ['nullish coalescing', 'const a=b??0;'],
  ['a class field', 'class A{x=1}'],
  ['a private field', 'class A{#x;m(){return this.#x}}'],
  ['logical assignment', 'a||=1;'],
  ['a BigInt literal', 'const n=10n;'],
  ['a numeric separator', 'const n=1_000;'],
  ['regex lookbehind', 'const r=/(?<=¥)\\d+/;'],
])('%s is refused, naming the file', (_what, code) => {
  const problems = unsupportedJs({ 'domain/money.js': code });
  expect(problems).toHaveLength(1);
  expect(problems[0]).toMatch(/^domain\/money\.js: /);
});

test('Babel helpers are refused: the @babel/runtime folder and regeneratorRuntime', () => {
  const problems = unsupportedJs({
    '@babel/runtime/helpers/classCallCheck.js': 'module.exports=function(a,b){};',
    'services/api.js': 'var r=require("../@babel/runtime/helpers/regeneratorRuntime");r().mark(function f(){});',
  });
  expect(problems.map((p) => p.split(':')[0])).toEqual(['@babel/runtime/helpers/classCallCheck.js', 'services/api.js']);
});
