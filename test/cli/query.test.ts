/**
 * `--query`: expressions and answers from the JMESPath tutorial and specification examples
 * (published known answers), plus this CLI's use of them.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { compileQuery } from '../../cli/query';
import { IMAGEPACKAGES, SDK_FIXTURES, sphere } from '../helpers';

const people = { people: [{ first: 'James', last: 'd' }, { first: 'Jacob', last: 'e' }, { first: 'Jayden', last: 'f' }, { missing: 'different' }], foo: { bar: 'baz' } };
const reservations = { reservations: [{ instances: [{ state: 'running' }, { state: 'stopped' }] }, { instances: [{ state: 'terminated' }, { state: 'running' }] }] };
const states = { people: [{ name: 'a', state: { name: 'up' } }, { name: 'b', state: { name: 'down' } }, { name: 'c', state: { name: 'up' } }] };

const CASES: Array<[string, unknown, unknown]> = [
  ['a', { a: 'foo', b: 'bar', c: 'baz' }, 'foo'],
  ['a.b.c.d', { a: { b: { c: { d: 'value' } } } }, 'value'],
  ['[1]', ['a', 'b', 'c', 'd', 'e', 'f'], 'b'],
  ['a.b.c[0].d[1][0]', { a: { b: { c: [{ d: [0, [1, 2]] }, { d: [3, 4] }] } } }, 1],
  ['[0:5]', [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [0, 1, 2, 3, 4]],
  ['[5:10]', [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [5, 6, 7, 8, 9]],
  ['[:5]', [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [0, 1, 2, 3, 4]],
  ['[-1]', ['a', 'b', 'c'], 'c'],
  ['people[*].first', people, ['James', 'Jacob', 'Jayden']],
  ['people[:2].first', people, ['James', 'Jacob']],
  ['ops.*.numArgs', { ops: { functionA: { numArgs: 2 }, functionB: { numArgs: 3 }, functionC: { variadic: true } } }, [2, 3]],
  ['reservations[*].instances[*].state', reservations, [['running', 'stopped'], ['terminated', 'running']]],
  ['reservations[].instances[].state', reservations, ['running', 'stopped', 'terminated', 'running']],
  ['[]', [[0, 1], 2, [3], 4, [5, [6, 7]]], [0, 1, 2, 3, 4, 5, [6, 7]]],
  ["machines[?state=='running'].name", { machines: [{ name: 'a', state: 'running' }, { name: 'b', state: 'stopped' }, { name: 'b', state: 'running' }] }, ['a', 'b']],
  ['people[*].first | [0]', people, 'James'],
  ['people[].[name, state.name]', states, [['a', 'up'], ['b', 'down'], ['c', 'up']]],
  ['people[].{Name: name, State: state.name}', states, [{ Name: 'a', State: 'up' }, { Name: 'b', State: 'down' }, { Name: 'c', State: 'up' }]],
  ['length(people)', states, 3],
  ["myarray[?contains(@, 'foo') == `true`]", { myarray: ['foo', 'foobar', 'barfoo', 'bar', 'baz', 'barbaz', 'barfoobaz'] }, ['foo', 'foobar', 'barfoo', 'barfoobaz']],
  ['foo.bar', { foo: { baz: 1 } }, null],
  ['"with space"', { 'with space': 1 }, 1],
  ["people[?age > `20`].name", { people: [{ name: 'x', age: 20 }, { name: 'y', age: 21 }] }, ['y']],
  ["a || b", { a: null, b: 'b' }, 'b'],
  ["!a", { a: [] }, true],
  // Beyond what a subset covers: expression references and the rest of the built-in functions (JMESPath specification).
  ['sort_by(people, &age)[].name', { people: [{ name: 'b', age: 30 }, { name: 'a', age: 20 }] }, ['a', 'b']],
  ['max_by(people, &age).name', { people: [{ name: 'b', age: 30 }, { name: 'a', age: 20 }] }, 'b'],
  ['min_by(people, &age).name', { people: [{ name: 'b', age: 30 }, { name: 'a', age: 20 }] }, 'a'],
  ['map(&length(@), names)', { names: ['a', 'bb', 'ccc'] }, [1, 2, 3]],
  ['to_string(`1`)', {}, '1'],
  ["reverse('abc')", {}, 'cba'],
  ["ends_with('foobar', 'bar')", {}, true],
  ['abs(`-3`)', {}, 3],
  ['sum(n)', { n: [1, 2, 3] }, 6],
  ['merge(`{"a": 1}`, `{"b": 2}`)', {}, { a: 1, b: 2 }],
  ['not_null(a, b, c)', { a: null, b: 'x', c: 'y' }, 'x'],
];

const q = suite('compileQuery');
for (const [expr, data, expected] of CASES) {
  q(`${expr}`, async () => assert.equal((await compileQuery(expr))(data), expected));
}
q('bad syntax is a usage error (exit 2)', async () => {
  for (const bad of ['a.', '[0', "a[?b=='c'", 'nosuch(a)', '{a}']) {
    try { (await compileQuery(bad))({ a: 1 }); assert.unreachable(bad); } catch (e) { assert.is((e as { exitCode?: number }).exitCode, 2, bad); }
  }
});
q.run();

const cli = suite('--query on the binary');
cli('picks one field for scripts, in tsv and json', () => {
  const file = join(IMAGEPACKAGES, SDK_FIXTURES[1]!);
  const tsv = sphere(['image', 'show', file, '--query', 'summary.componentId', '-o', 'tsv']);
  assert.is(tsv.code, 0, tsv.stderr);
  assert.is(tsv.stdout, 'b8f5931e-173a-40f5-a4f8-3d98240f53ec\n');
  const json = sphere(['image', 'show', file, '--query', "files[?type=='file'].path", '-o', 'json']);
  assert.equal(JSON.parse(json.stdout), ['/app_manifest.json', '/bin/app']);
  const table = sphere(['image', 'show', file, '--query', 'metadata.sections[*].tag']);
  assert.is(table.stdout, 'ID\nSG\nDB\nTP\nND\n');
  const bad = sphere(['image', 'show', file, '--query', 'files[']);
  assert.is(bad.code, 2);
  assert.is(bad.stdout, '');
});
cli.run();
