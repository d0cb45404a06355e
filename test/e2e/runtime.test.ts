/**
 * End-to-end: apps that run in the emulator (dist/sphere against a detached emulator), with
 * hand-assembled WebAssembly modules so no C toolchain is needed: an app that traps is restarted
 * with back-off and reported, an exit code is reported, an app that computes forever leaves the
 * REST API answering and is ended after the SIGTERM grace time, and modules that cannot load
 * install but fail to start with one clear line, changing nothing else.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { lab, type Lab } from '../sideload/e2e-helpers';
import { WASM } from '../emulator/wasm-builder';
import { appLog, deploy, devGet, intervals, ioShow, packApp, until } from './app-helpers';
import { createConnection, createServer } from 'node:net';
import { writeFileSync } from 'node:fs';
import { oneLine } from '../sideload/e2e-helpers';
import { spawn } from 'node:child_process';
import { BIN } from '../helpers';
import { join, resolve } from 'node:path';

let l: Lab;
const EMU = 'rt';

const pkgOf = (name: string, cid: string, wasm: Uint8Array, caps: Record<string, unknown> = {}) => packApp(l, name, cid, wasm, caps);
const deployPkg = (pkg: string) => deploy(l, pkg);
const appLogOf = (cid: string) => appLog(l, EMU, cid);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function status(cid: string): any {
  const r = l.run(['device', 'app', 'show-status', '-i', cid, '-o', 'json']);
  assert.is(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
}

const raw = (path: string) => devGet(l, EMU, path);

const test = suite('app runtime: apps that end, crash, spin or cannot load');
test.before(() => {
  l = lab('sphere-runtime-e2e-');
  l.start(EMU);
});
test.after(() => l.done());

test('an app that traps is reported, restarted after 1 s and then after 2 s, and is in the error-report data', async () => {
  const cid = '7a000000-0000-4000-8000-000000000001';
  deployPkg(pkgOf('trapper', cid, WASM.trap()));
  const lines = await until('two restarts', () => { const x = appLogOf(cid); return x.some((t) => t.includes('(restart 2)')) ? x : undefined; });
  assert.ok(lines.some((t) => /^ended: trap: unreachable/.test(t)), lines.join('\n'));
  assert.ok(lines.includes('restarting in 1000 ms (restart 1)'), lines.join('\n'));
  assert.ok(lines.includes('restarting in 2000 ms (restart 2)'), lines.join('\n'));
  assert.ok(lines.some((t) => t.startsWith('restarted "trapper"')), lines.join('\n'));
  const s = status(cid);
  assert.is(s.lastExit.reason, 'trap');
  assert.ok(s.restarts >= 2);
  const telemetry = await raw('/telemetry');
  assert.is(telemetry.status, 200);
  assert.match(telemetry.body.toString('latin1'), new RegExp(`app-crash ${cid} "trapper" ended: trap: unreachable`));
  l.run(['device', 'app', 'stop', '-i', cid]);
});

test('an exit code is reported by show-status and in the error-report data', async () => {
  const cid = '7a000000-0000-4000-8000-000000000002';
  deployPkg(pkgOf('exit3', cid, WASM.exit(3)));
  const s = await until('the exit', () => { const x = status(cid); return x.lastExit ? x : undefined; });
  assert.is(s.exitCode, 3);
  assert.is(s.lastExit.reason, 'exit');
  assert.is(s.executed, undefined, 'no run at this moment');
  const human = l.run(['device', 'app', 'show-status', '-i', cid]);
  assert.match(human.stdout, /Last exit: exit code 3 at [\d.]+ s since boot; restarting after 1000 ms/);
  assert.match((await raw('/telemetry')).body.toString('latin1'), new RegExp(`app-crash ${cid} "exit3" ended: exit code 3`));
  l.run(['device', 'app', 'stop', '-i', cid]);
});

test('an app that computes forever leaves the REST API answering within 100 ms and ends 2 s after SIGTERM', async () => {
  const cid = '7a000000-0000-4000-8000-000000000003';
  deployPkg(pkgOf('spinner', cid, WASM.spin()));
  assert.is(status(cid).state, 'running');
  assert.is(status(cid).executed, true);
  const times: number[] = [];
  for (let i = 0; i < 10; i++) {
    const r = await raw('/status');
    assert.is(r.status, 200);
    times.push(r.ms);
    await new Promise((done) => setTimeout(done, 50));
  }
  // An app holding the main thread would hold every answer; a busy shared machine may delay one.
  const shown = `REST answer times while the app spins: ${times.map((t) => t.toFixed(1)).join(', ')} ms`;
  assert.ok(times.filter((t) => t >= 100).length <= 1, shown);
  assert.ok(Math.max(...times) < 1000, shown);
  const t0 = Date.now();
  assert.is(l.run(['device', 'app', 'stop', '-i', cid]).code, 0);
  const lines = await until('the end after the grace time', () => { const x = appLogOf(cid); return x.some((t) => t.startsWith('ended:')) ? x : undefined; });
  const elapsed = Date.now() - t0;
  assert.ok(lines.some((t) => t === 'ended: did not end after SIGTERM; ended (stop requested)'), lines.join('\n'));
  assert.ok(elapsed >= 1500 && elapsed < 6000, `ended ${elapsed} ms after the stop`);
  assert.is(status(cid).state, 'stopped');
  await new Promise((done) => setTimeout(done, 1200));
  assert.ok(!appLogOf(cid).some((t) => t.startsWith('restart')), 'a stopped app is not restarted');
});

test('modules that cannot load install, fail to start with one clear line, are not restarted, and change nothing else', async () => {
  const keep = '7a000000-0000-4000-8000-000000000003';
  const before = (await raw('/images')).body.toString();
  const cases: Array<[string, string, Uint8Array, RegExp]> = [
    ['notwasm', '7a000000-0000-4000-8000-000000000011', WASM.invalid(), /^bin\/app is not a valid WebAssembly module \(.+\)$/],
    ['badimport', '7a000000-0000-4000-8000-000000000012', WASM.unknownImport(), /^bin\/app imports applibs\.not_a_call \(function\), which this runtime does not provide$/],
    ['nostart', '7a000000-0000-4000-8000-000000000013', WASM.noStart(), /^bin\/app has no _start export/],
  ];
  for (const [name, cid, wasm, why] of cases) {
    deployPkg(pkgOf(name, cid, wasm));
    // The failure is recorded as the worker ends; the state follows it in the same turn or the next.
    const s = await until(`${name} to fail and stop`, () => { const x = status(cid); return x.startFailure && x.state === 'stopped' ? x : undefined; });
    assert.match(s.startFailure, why);
    assert.is(s.state, 'stopped');
    const human = l.run(['device', 'app', 'show-status', '-i', cid]);
    assert.match(human.stdout, /Cannot start: bin\/app /);
    assert.ok(appLogOf(cid).some((t) => why.test(t.replace(/^ended: /, ''))), appLogOf(cid).join('\n'));
  }
  await new Promise((done) => setTimeout(done, 1300));
  for (const [, cid] of cases) assert.is(status(cid).restarts, 0);
  const after = JSON.parse((await raw('/images')).body.toString()) as { components: Array<{ uid: string }> };
  assert.ok(after.components.some((c) => c.uid === keep), 'the app installed before is still there');
  assert.ok(JSON.parse(before).components.every((c: { uid: string }) => after.components.some((a) => a.uid === c.uid)));
  assert.is((await raw('/status')).status, 200);
});

test('samples/hello runs: its output, LED 1 blinking, button A through io press and io set, debug mode streaming on the output port', async () => {
  const cid = '5a7f3c2e-9b1d-4e6a-8c0f-2d4b6e8a1c3f';
  const pkg = join(l.dir, 'hello.imagepackage');
  assert.is(l.run(['image', 'pack', resolve('samples/hello/approot'), '--destination', pkg, '--target-api-set', '16']).code, 0);
  deployPkg(pkg);
  await until('LED toggles', () => appLogOf(cid).some((t) => /^HelloSphere: LED (on|off) \(toggle 2\)$/.test(t)));
  assert.ok(appLogOf(cid).some((t) => t.startsWith('HelloSphere: readme.txt says')), 'a resource file of the package is read');
  const io = ioShow(l, EMU);
  assert.equal(io.gpio['8']?.direction, 'output');
  assert.equal(io.gpio['12'], { direction: 'input', value: 1 });
  assert.ok(intervals(io, 8).slice(-2).every((g) => Math.abs(g - 1000) < 150), `real-clock gaps ${intervals(io, 8).join(', ')}`);
  assert.is(l.run(['emulator', 'io', 'press', 'a', '--name', EMU]).code, 0);
  await until('the press', () => appLogOf(cid).some((t) => /^HelloSphere: button A pressed \(\d+ presses in all\); blinking every 250 ms$/.test(t)));
  await until('button A released', () => ioShow(l, EMU).parts['a']?.pressed === false);
  assert.is(l.run(['emulator', 'io', 'set', 'gpio', '12', '0', '--name', EMU]).code, 0);
  assert.is(ioShow(l, EMU).parts['a']?.pressed, true);
  await until('the second press', () => appLogOf(cid).some((t) => /blinking every 1000 ms$/.test(t)));
  assert.is(l.run(['emulator', 'io', 'set', 'gpio', '12', '1', '--name', EMU]).code, 0);
  const bad = l.run(['emulator', 'io', 'press', 'c', '--name', EMU]);
  assert.is(bad.code, 2);
  assert.match(bad.stderr, /no button "c" on this board; it has a, b/);

  const follow = spawn(BIN, ['emulator', 'logs', '--name', EMU, '--app', cid, '--follow', '--lines', '1'], { env: { PATH: process.env['PATH'], NO_COLOR: '1', ...l.env } });
  let followed = '';
  follow.stdout.on('data', (c: Buffer) => { followed += c.toString(); });
  await until('followed lines', () => (followed.match(/HelloSphere: LED/g) ?? []).length >= 2, 6000);
  follow.kill('SIGINT');
  await new Promise((done) => follow.on('close', done));
  assert.match(followed, /^\d{4}-\d\d-\d\dT[\d:.]+Z \(\+[\d.]+ s\) 5a7f3c2e app: HelloSphere: LED (on|off) \(toggle \d+\)$/m);

  const r = l.run(['device', 'app', 'start', '--debug-mode', '-i', cid, '-o', 'json']);
  assert.is(r.code, 0, r.stderr);
  const started = JSON.parse(r.stdout) as { state: string; outPort: number; gdbPort: number };
  assert.is(started.state, 'debugging');
  const e = l.entry(EMU)!;
  const streamed = await new Promise<string>((done) => {
    let text = '';
    const s = createConnection({ host: e.host, port: started.outPort });
    s.on('data', (c: Buffer) => { text += c.toString(); });
    setTimeout(() => { s.destroy(); done(text); }, 2500);
  });
  assert.match(streamed, /HelloSphere: LED (on|off) \(toggle \d+\)\n/);
  const human = l.run(['device', 'app', 'start', '--debug-mode', '-i', cid]);
  assert.match(human.stdout, /GDB Port: 2345 \(nothing listens: a WebAssembly app has no GDB server/);
  assert.is(l.run(['device', 'app', 'stop', '-i', cid]).code, 0);
});

test('board files: a bad one is refused before the emulator starts, naming the place; a UART bridge port in use gives one line', async () => {
  const write = (name: string, body: unknown) => { const f = join(l.dir, name); writeFileSync(f, typeof body === 'string' ? body : JSON.stringify(body)); return f; };
  const cases: Array<[string, unknown, RegExp]> = [
    ['model.json', { i2c: { ISU2: { '0x6a': 'bmp280' } } }, /^error: Cannot use board description ".*model\.json": i2c\.ISU2\.0x6a: unknown model "bmp280"; models: lsm6ds3\. Fix the file/],
    ['twice.json', { leds: { x: { gpio: 8 } }, buttons: { y: { gpio: 8 } } }, /buttons\.y: GPIO 8 is already leds\.x/],
    ['notjson.json', '{ leds: ', /is not JSON/],
  ];
  for (const [name, body, why] of cases) {
    const r = l.run(['emulator', 'start', '--detach', '--name', 'badboard', '--board', write(name, body)]);
    assert.is(r.code, 2, r.stderr);
    assert.match(oneLine(r), why);
    assert.is(l.entry('badboard'), undefined, 'no emulator started');
  }
  const missing = l.run(['emulator', 'start', '--detach', '--name', 'badboard', '--board', join(l.dir, 'none.json')]);
  assert.is(missing.code, 3);
  const blocker = createServer();
  await new Promise<void>((done) => blocker.listen(0, '127.0.0.1', () => done()));
  const port = (blocker.address() as { port: number }).port;
  try {
    const r = l.run(['emulator', 'start', '--detach', '--name', 'busy', '--board', write('busy.json', { uart: { ISU0: { tcp: port } } })]);
    assert.is(r.code, 2, r.stderr);
    assert.match(oneLine(r), new RegExp(`Cannot bridge UART ISU0 to 127\\.0\\.0\\.1:${port}: the port is in use\\. Pick another port`));
    const fg = l.run(['emulator', 'start', '--name', 'busyfg', '--board', join(l.dir, 'busy.json')]);
    assert.is(fg.code, 2, fg.stderr);
    assert.match(oneLine(fg), /Cannot bridge UART ISU0 to .*: the port is in use/);
  } finally { blocker.close(); }
  const printed = l.run(['emulator', 'board']);
  assert.is(printed.code, 0);
  assert.is((JSON.parse(printed.stdout) as { name: string }).name, 'MT3620 RDB');
});

test.run();
