import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { render, toYaml } from '../../cli/output';
import { colorEnabled } from '../../cli/ui';

const data = {
  name: 'HelloSphere', id: '5a7f3c2e-9b1d-4e6a-8c0f-2d4b6e8a1c3f', count: 3, ok: true, none: null,
  tricky: ['yes', 'no', '123', '', 'a: b', '#hash', ' lead', 'trail ', 'multi\nline', 'null', '-1', 'quote"s'],
  nested: { list: [{ a: 1, b: [1, 2] }, { a: 2, b: [] }], empty: {} }, 'key with space': 'v', '0key': 1,
};

const yaml = suite('toYaml');
yaml('round-trips through an independent YAML parser (PyYAML)', () => {
  const probe = spawnSync('python3', ['-c', 'import yaml'], { encoding: 'utf8' });
  if (probe.status !== 0) { console.log('  (PyYAML not installed: skipped)'); return; }
  const r = spawnSync('python3', ['-c', 'import sys, json, yaml; print(json.dumps(yaml.safe_load(sys.stdin.read())))'], { input: toYaml(data), encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout), data);
});
yaml.run();

const out = suite('render');
out('json is the data and nothing else', () => {
  assert.equal(JSON.parse(render({ data, text: 'human' }, 'json')), data);
  assert.is(render({ data, text: 'human' }, 'none'), '');
  assert.is(render({ data, text: 'human' }, 'table'), 'human\n');
});
out('tsv prints table rows tab-separated without a header', () => {
  const t = { columns: ['a', 'b'], rows: [{ a: 1, b: 'x\ty' }, { a: 2, b: null }] };
  assert.is(render({ data: [], table: t }, 'tsv'), '1\tx y\n2\t\n');
  assert.match(render({ data: [], table: t }, 'table'), /^a  b\n-  -+\n1  x\ty\n2\n$/);
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
