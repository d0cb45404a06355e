/**
 * End-to-end: `sphere emulator test` runs scenario files against fresh emulators on the virtual
 * clock with samples/hello's committed build: a passing scenario (a minute of blinking in well
 * under 2 s of wall time), a failing one (exit 1, the step named), one that runs out of wall time
 * (exit 42), files refused before anything runs (exit 2, the line named), and JUnit XML read back
 * with Python's ElementTree.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { lab, oneLine, type Lab } from '../sideload/e2e-helpers';

let l: Lab;
let pkg = '';
const file = (name: string, text: string) => { const f = join(l.dir, name); writeFileSync(f, text); return f; };
const lastLine = (s: string) => s.trimEnd().split('\n').at(-1);

const BLINK = `name: hello blinks for a minute
version: 1
steps:
  - wait-serial: "HelloSphere: starting"
  - wait-pin: { part-id: led1, pin: red, value: 1, timeout: 2s }
  - delay: 60s
  - expect-app-state: running
  - press: btn-a
  - delay: 100ms
  - release: btn-a
  - wait-log: /blinking every 250 ms$/
  - wait-pin: { part-id: led1, pin: red, value: 0, timeout: 500ms }
  - expect-log-absent: "ended:"
`;

const test = suite('scenario runner');
test.before(() => {
  l = lab('sphere-scenario-e2e-');
  pkg = join(l.dir, 'hello.imagepackage');
  assert.is(l.run(['image', 'pack', resolve('samples/hello/approot'), '--destination', pkg, '--target-api-set', '16']).code, 0);
});
test.after(() => l.done());

test('a passing scenario exits 0; a minute of blinking takes under 2 s of wall time; the last line counts', () => {
  const t0 = Date.now();
  const r = l.run(['emulator', 'test', file('blink.yaml', BLINK), '--package', pkg]);
  const wall = Date.now() - t0;
  assert.is(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /^PASS hello blinks for a minute \(.*blink\.yaml\) — 6\d\.\d{3} s emulated in \d+\.\d{3} s$/m);
  assert.is(lastLine(r.stdout), '1 passed, 0 failed');
  assert.ok(wall < 2000, `the whole command took ${wall} ms`);
  const again = l.run(['emulator', 'test', join(l.dir, 'blink.yaml'), '--package', pkg]);
  const emulated = (t: string) => /— ([\d.]+) s emulated/.exec(t)?.[1];
  assert.is(emulated(again.stdout), emulated(r.stdout), 'the same emulated time in every run');
});

test('a failing step exits 1 naming the step, what was expected and what was seen; JUnit XML has the common shape', () => {
  const junit = join(l.dir, 'results.xml');
  const fail = file('fail.yaml', 'name: wrong button\nsteps:\n  - wait-serial: "HelloSphere: starting"\n  - expect-pin: { part-id: gpio, pin: 12, value: 0 }\n');
  const r = l.run(['emulator', 'test', file('blink2.yaml', BLINK), fail, '--package', pkg, '--junit', junit]);
  assert.is(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /^ {2}FAIL line 4: expect-pin — expected gpio 12 to be 0, it is 1$/m);
  assert.is(lastLine(r.stdout), '1 passed, 1 failed');
  const py = spawnSync('python3', ['-c', `
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == 'testsuites', root.tag
for s in root.findall('testsuite'):
    assert int(s.get('tests')) == len(s.findall('testcase'))
    assert int(s.get('failures')) == len([c for c in s.findall('testcase') if c.find('failure') is not None])
    float(s.get('time'))
    for c in s.findall('testcase'): float(c.get('time')); assert c.get('name')
print(root.get('tests'), root.get('failures'))
`, junit], { encoding: 'utf8' });
  assert.is(py.status, 0, py.stderr);
  assert.is(py.stdout.trim(), '14 1');
  assert.match(readFileSync(junit, 'utf8'), /<failure message="expected gpio 12 to be 0, it is 1"\/>/);
});

test('a scenario that runs out of wall time exits 42', () => {
  const spin = file('never.yaml', 'name: waits forever\nsteps:\n  - wait-log: { text: "never printed", timeout: 100000s }\n');
  const r = l.run(['emulator', 'test', spin, '--package', pkg, '--timeout', '300']);
  assert.is(r.code, 42, r.stdout + r.stderr);
  assert.match(r.stdout, /^TIMEOUT waits forever/m);
  assert.match(r.stdout, /FAIL line 3: wait-log — the scenario ran past --timeout 300 ms of wall time/);
});

test('an unknown step, a wrong part id or a malformed value is refused before the emulator starts, naming the line', () => {
  const cases: Array<[string, RegExp]> = [
    ['steps:\n  - delay: 1s\n  - wiggle: btn-a\n', /:3: unknown step "wiggle"/],
    ['steps:\n  - press: btn-c\n', /:2: unknown part "btn-c"; buttons are btn-a, btn-b/],
    ['steps:\n  - expect-pin: { part-id: led9, pin: red, value: 1 }\n', /:2: unknown part "led9"/],
    ['steps:\n  - delay: soon\n', /:2: delay must be a duration such as 500ms or 2s, got "soon"/],
    ['steps:\n  - wait-pin: { part-id: led1, pin: red, value: 3 }\n', /:2: value must be a number from 0 to 1, got 3/],
    ['name: x\nsteps: [\n', /:\d+: not valid YAML/],
  ];
  cases.forEach(([text, why], i) => {
    const r = l.run(['emulator', 'test', file(`bad${i}.yaml`, text), '--package', pkg]);
    assert.is(r.code, 2, r.stdout + r.stderr);
    assert.match(oneLine(r), why);
    assert.match(r.stderr, /nothing was run/);
  });
});

test.run();
