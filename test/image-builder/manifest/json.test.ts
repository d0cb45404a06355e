import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseJson, toPlain, type JsonObject } from '../../../image-builder/manifest/json';
import { LineIndex } from '../../../image-builder/manifest/positions';
import { HW, INVALID, VALID } from './_fixtures';

// JSON.parse is the independent oracle for what a document means and whether it is JSON at all.
const wellFormed = [
  '{}', '[]', '0', '-0', '1.5e+10', '-12.25E-3', '"x"', 'true', 'false', 'null', ' \t\r\n{ "a" : [ 1 , 2 ] } ',
  '"\\u00e9\\ud83d\\ude00\\n\\t\\"\\\\\\/\\b\\f\\r"', '{"é":"ü","":0,"a/b~c":[{}]}', '[1e400, -1e-400, 123456789012345678901234567890]',
  '{"__proto__": {"polluted": true}, "constructor": 1}', '"\u2028\u2029"', '[[[[[]]]]]',
];
const malformed = [
  '', ' ', '{', '}', '[', '[1,]', '{"a":1,}', '{a:1}', "{'a':1}", '{"a" 1}', '{"a":1 "b":2}', '01', '1.', '.5', '-', '+1',
  '1e', 'tru', 'nul', 'True', '"abc', '"a\nb"', '"\\x"', '"\\u12"', '[1 2]', '{"a":1}}', '// c\n{}', '/* c */{}', 'NaN', 'Infinity', '{"a":1}x', '\u00a0{}',
];

test('well-formed documents mean what JSON.parse says they mean', () => {
  for (const t of wellFormed) {
    const r = parseJson(t);
    assert.equal(r.problems, [], t);
    assert.equal(toPlain(r.root!), JSON.parse(t), t);
  }
});

test('every fixture file parses to what JSON.parse gives', () => {
  const files = [
    ...readdirSync(VALID).map((f) => join(VALID, f)),
    ...readdirSync(INVALID).filter((f) => f.endsWith('.json')).map((f) => join(INVALID, f)),
    ...['mt3620_rdb/sample_appliance.json', 'sdk-20.x/mt3620.json', 'sdk-20.x/mt3620_rdb.json'].map((f) => join(HW, f)),
  ];
  let compared = 0;
  for (const f of files) {
    const t = readFileSync(f, 'utf8');
    let expected: unknown;
    try {
      expected = JSON.parse(t);
    } catch {
      assert.ok(parseJson(t).root === undefined || t.charCodeAt(0) === 0xfeff, `${f}: JSON.parse refuses it, so must we`);
      continue;
    }
    const r = parseJson(t);
    if (r.problems.some((p) => p.code === 'JSON_DUPLICATE_KEY')) continue; // JSON.parse keeps the last value silently
    if (r.root === undefined) continue; // deeper than our limit; covered below
    assert.equal(toPlain(r.root), expected, f);
    compared++;
  }
  assert.ok(compared > 100, `${compared} files compared`);
});

test('malformed documents are refused, as JSON.parse refuses them', () => {
  for (const t of malformed) {
    assert.throws(() => JSON.parse(t), undefined, `oracle: ${JSON.stringify(t)}`);
    const r = parseJson(t);
    assert.is(r.root, undefined, JSON.stringify(t));
    assert.is(r.problems.length, 1, JSON.stringify(t));
    assert.is(r.problems[0]!.code, 'JSON_SYNTAX', JSON.stringify(t));
  }
});

test('syntax errors point at the offending character', () => {
  const cases: [string, number, string][] = [
    ['{"a": 1,}', 8, ''],
    ['{"a": [1, 2,]}', 12, '/a'],
    ['{"a": {"b": tru}}', 12, '/a/b'],
    ['{"a" 1}', 5, ''],
    ['[1, {"x": [}]', 11, '/1/x/0'],
    ['{"a": "x\ny"}', 6, '/a'],
  ];
  for (const [t, offset, pointer] of cases) {
    const p = parseJson(t).problems[0]!;
    assert.equal([p.offset, p.pointer], [offset, pointer], t);
  }
});

test('records the offset of every key and value', () => {
  const t = '{\n  "Name": "x",\n  "Capabilities": { "Gpio": [ 8, "$A" ] }\n}';
  const root = parseJson(t).root as JsonObject;
  const caps = root.members[1]!;
  assert.is(caps.keyStart, t.indexOf('"Capabilities"'));
  const gpio = (caps.value as JsonObject).members[0]!.value;
  assert.is(gpio.start, t.indexOf('[ 8'));
  assert.is(gpio.end, t.indexOf(' }') );
  assert.equal((gpio as { items: { start: number }[] }).items.map((i) => i.start), [t.indexOf('8'), t.indexOf('"$A"')]);
});

test('reports a repeated key once per repeat, at the repeat, keeping the last value like JSON.parse', () => {
  const t = '{"a": 1, "b": {"c": 1, "c": 2, "c": 3}, "a": 4}';
  const r = parseJson(t);
  assert.equal(r.problems.map((p) => [p.code, p.pointer, p.offset]), [
    ['JSON_DUPLICATE_KEY', '/b/c', t.indexOf('"c": 2')],
    ['JSON_DUPLICATE_KEY', '/b/c', t.indexOf('"c": 3')],
    ['JSON_DUPLICATE_KEY', '/a', t.lastIndexOf('"a"')],
  ]);
  assert.equal(toPlain(r.root!), JSON.parse(t));
  assert.equal(Object.keys(toPlain(r.root!) as object), ['a', 'b']);
});

test('a key named __proto__ stays data, never a prototype', () => {
  const v = toPlain(parseJson('{"__proto__": {"polluted": true}}').root!) as Record<string, unknown>;
  assert.is(Object.getPrototypeOf(v), Object.prototype);
  assert.equal(Object.keys(v), ['__proto__']);
  assert.is(({} as Record<string, unknown>)['polluted'], undefined);
});

test('nesting stops at the depth limit without recursion', () => {
  const ok = '['.repeat(64) + ']'.repeat(64);
  assert.equal(parseJson(ok, 64).problems, []);
  const over = '['.repeat(65) + ']'.repeat(65);
  const p = parseJson(over, 64).problems;
  assert.equal(p.map((x) => [x.code, x.offset]), [['JSON_TOO_DEEP', 64]]);
  const deep = '{"a":'.repeat(10000) + '1' + '}'.repeat(10000);
  assert.is(parseJson(deep, 64).problems[0]!.code, 'JSON_TOO_DEEP');
  // Even without a limit the parser keeps no call stack per level.
  const r = parseJson('['.repeat(200000) + ']'.repeat(200000), Infinity);
  assert.equal(r.problems, []);
});

test('LineIndex gives 1-based lines and columns', () => {
  const t = 'ab\ncd\r\n\nxyz';
  const li = new LineIndex(t);
  const at = (s: string) => li.position(t.indexOf(s));
  assert.equal(at('a'), { line: 1, column: 1 });
  assert.equal(at('d'), { line: 2, column: 2 });
  assert.equal(at('y'), { line: 4, column: 2 });
  assert.equal(li.position(t.length), { line: 4, column: 4 });
});

test.run();
