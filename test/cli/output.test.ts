import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { render } from '../../cli/output';
import { colorEnabled } from '../../cli/ui';

const data = {
  name: 'HelloSphere', id: '5a7f3c2e-9b1d-4e6a-8c0f-2d4b6e8a1c3f', count: 3, ok: true, none: null,
  tricky: ['yes', 'no', '123', '', 'a: b', '#hash', ' lead', 'trail ', 'multi\nline', 'null', '-1', 'quote"s'],
  nested: { list: [{ a: 1, b: [1, 2] }, { a: 2, b: [] }], empty: {} }, 'key with space': 'v', '0key': 1,
};

const yaml = suite('yaml output');
yaml('round-trips through an independent YAML parser (PyYAML)', async () => {
  const probe = spawnSync('python3', ['-c', 'import yaml'], { encoding: 'utf8' });
  if (probe.status !== 0) { console.log('  (PyYAML not installed: skipped)'); return; }
  const r = spawnSync('python3', ['-c', 'import sys, json, yaml; print(json.dumps(yaml.safe_load(sys.stdin.read())))'], { input: await render({ data }, 'yaml'), encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout), data);
});
yaml.run();

const out = suite('render');
out('json is the data and nothing else; the default is the human text', async () => {
  assert.equal(JSON.parse(await render({ data, text: 'human' }, 'json')), data);
  assert.is(await render({ data, text: 'human' }, 'none'), '');
  assert.is(await render({ data, text: 'human' }, 'text'), 'human\n');
});
out('tsv prints table rows tab-separated without a header', async () => {
  const t = { columns: ['a', 'b'], rows: [{ a: 1, b: 'x\ty' }, { a: 2, b: null }] };
  assert.is(await render({ data: [], table: t }, 'tsv'), '1\tx y\n2\t\n');
  assert.match(await render({ data: [], table: t }, 'table'), /^a  b\n-  -+\n1  x\ty\n2\n$/);
});
out('-o table of objects: az layout (capitalised keys, dashes, scalar fields only, id/type/etag left out)', async () => {
  const rows = [{ name: 'emu1', id: 'x', port: 4443, nested: { a: 1 }, list: [1], state: 'running' }, { name: 'emulator2', port: 4444, state: null }];
  assert.is(await render({ data: rows, text: 'human' }, 'table'),
    'Name       Port  State\n' +
    '---------  ----  -------\n' +
    'emu1       4443  running\n' +
    'emulator2  4444\n');
  assert.is(await render({ data: 'x' }, 'table'), 'Result\n------\nx\n');
});
out('-o tsv of data: values in order, a nested object empty, a list its length, null as None', async () => {
  assert.is(await render({ data: [{ a: 1, b: { c: 2 }, d: [1, 2, 3], e: null, f: true }, { a: 2, b: {}, d: [], e: 'x', f: false }] }, 'tsv'), '1\t\t3\tNone\ttrue\n2\t\t0\tx\tfalse\n');
  assert.is(await render({ data: ['a', 'b'] }, 'tsv'), 'a\nb\n');
  assert.is(await render({ data: 'one' }, 'tsv'), 'one\n');
});
out.run();

const colour = suite('colorEnabled');
colour('honours NO_COLOR, FORCE_COLOR and the terminal', () => {
  assert.is(colorEnabled({}, true), true);
  assert.is(colorEnabled({}, false), false);
  assert.is(colorEnabled({ NO_COLOR: '1' }, true), false);
  assert.is(colorEnabled({ FORCE_COLOR: '1' }, false), true);
  assert.is(colorEnabled({ FORCE_COLOR: '0' }, true), false);
  assert.is(colorEnabled({ TERM: 'dumb' }, true), false);
});
colour.run();
