/**
 * End-to-end: test apps of our own in C (test/fixtures/apps), built by the SDK and run by a
 * detached emulator on the real clock — one that traps, one that allocates without bound, one
 * that ignores SIGTERM and one that computes forever. Each ends as the runtime documents, is
 * restarted with back-off when it ends on its own, lands in the error-report data when it ends
 * abnormally, and the REST API keeps answering within 100 ms throughout. Skipped, saying why,
 * without the C toolchain.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { lab, type Lab } from '../sideload/e2e-helpers';
import { appLog, deploy, devGet, expectLines, packApp, until } from './app-helpers';
import { WASM } from '../emulator/wasm-builder';
import { buildTestApp, skipped, toolchainMissing } from '../sdk/helpers';

const EMU = 'capps';
const CID = { trap: '7b000000-0000-4000-8000-000000000001', ignore: '7b000000-0000-4000-8000-000000000003', hog: '7b000000-0000-4000-8000-000000000004', spin: '7b000000-0000-4000-8000-000000000005' };
let l: Lab;
/** Every REST answer time measured while the apps ran. */
const answers: number[] = [];

/** A device path's body as text (latin1: the error-report data is binary). */
const get = async (path: string) => { const r = await devGet(l, EMU, path); return { status: r.status, body: r.body.toString('latin1') }; };

/**
 * Asks the device for its status every 100 ms while `f` runs, from a process of its own (this
 * one blocks while it runs the CLI, which would count against the device).
 */
const PROBE = `const https = require('node:https');
const [host, port, ca] = [process.env.H, Number(process.env.P), process.env.CA];
const times = []; let on = true;
process.stdin.on('data', () => { on = false; });
(async () => {
  while (on) {
    const t0 = performance.now();
    const status = await new Promise((res) => {
      const q = https.request({ host, port, path: '/status', ca, servername: 'x.devices.sphere.azure.local', checkServerIdentity: () => undefined, agent: false }, (r) => { r.resume(); r.on('end', () => res(r.statusCode)); });
      q.on('error', () => res(0)); q.end();
    });
    times.push(status === 200 ? performance.now() - t0 : Infinity);
    await new Promise((r) => setTimeout(r, 100));
  }
  process.stdout.write(JSON.stringify(times));
})();`;

async function probing<T>(f: () => Promise<T>): Promise<T> {
  const e = l.entry(EMU)!;
  const child = spawn(process.execPath, ['-e', PROBE], { env: { ...process.env, H: e.host, P: String(e.port), CA: e.caPem }, stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => { out += c.toString(); });
  const done = new Promise<void>((r) => child.on('close', () => r()));
  try {
    return await f();
  } finally {
    child.stdin.end('stop\n');
    await done;
    answers.push(...(JSON.parse(out || '[]') as Array<number | null>).map((t) => t ?? Infinity));
  }
}

const log = (cid: string) => appLog(l, EMU, cid);
const ended = (cid: string, ms = 10_000) => until('the app to end', () => { const x = log(cid); return x.some((t) => t.startsWith('ended:')) ? x : undefined; }, ms);

const test = suite('C test apps: trap, unbounded allocation, SIGTERM ignored, endless loop');
test.before(() => {
  if (toolchainMissing()) return;
  l = lab('sphere-c-apps-');
  l.start(EMU);
});
test.after(() => { if (!toolchainMissing()) l.done(); });

test('trap: ends with the trap, is restarted after 1 s, and is in the error-report data', async () => {
  if (skipped(toolchainMissing())) return;
  const app = buildTestApp('trap', join(l.dir, 'apps'), l.env);
  await probing(async () => {
    deploy(l, app.package, EMU);
    const lines = await until('a restart', () => { const x = log(CID.trap); return x.some((t) => t.startsWith('restarted')) ? x : undefined; });
    assert.ok(lines.includes('trap: about to trap'), lines.join('\n'));
    assert.ok(lines.some((t) => t === 'ended: trap: unreachable'), lines.join('\n'));
    assert.ok(lines.includes('restarting in 1000 ms (restart 1)'), lines.join('\n'));
  });
  assert.match((await get('/telemetry')).body, new RegExp(`app-crash ${CID.trap} "trap" ended: trap: unreachable`));
  assert.is(l.run(['device', 'app', 'stop', '-i', CID.trap]).code, 0);
});

test('unbounded allocation: malloc returns NULL at the cap, the app\'s own path runs, the end is reported, the emulator stays up', async () => {
  if (skipped(toolchainMissing())) return;
  const app = buildTestApp('hog', join(l.dir, 'apps'), l.env);
  const lines = await probing(async () => { deploy(l, app.package, EMU); return ended(CID.hog); });
  const got = lines.map((t) => /^hog: got (\d+) blocks of 64 KiB before malloc failed$/.exec(t)).find(Boolean);
  assert.ok(got, lines.join('\n'));
  assert.ok(Number(got![1]) >= 2 && Number(got![1]) <= 4, `the 256 KiB allowance held ${got![1]} blocks of 64 KiB`);
  assert.ok(lines.some((t) => /^memory cap reached: /.test(t)), lines.join('\n'));
  assert.ok(lines.includes('ended: exit code 4 after reaching its memory cap'), lines.join('\n'));
  assert.match((await get('/telemetry')).body, new RegExp(`app-crash ${CID.hog} "hog" ended: exit code 4, memory cap reached`));
  assert.is(l.run(['device', 'app', 'stop', '-i', CID.hog]).code, 0);
});

test('SIGTERM ignored: the handler runs, the app keeps going, and it is ended after the 2 s grace time', async () => {
  if (skipped(toolchainMissing())) return;
  const app = buildTestApp('ignore-sigterm', join(l.dir, 'apps'), l.env);
  deploy(l, app.package, EMU);
  await until('it to wait', () => log(CID.ignore).includes('ignore-sigterm: waiting forever'));
  const t0 = Date.now();
  const lines = await probing(async () => { assert.is(l.run(['device', 'app', 'stop', '-i', CID.ignore]).code, 0); return ended(CID.ignore); });
  const took = Date.now() - t0;
  assert.ok(lines.includes('ignore-sigterm: SIGTERM 1 ignored'), lines.join('\n'));
  assert.ok(lines.includes('ended: did not end after SIGTERM; ended (stop requested)'), lines.join('\n'));
  assert.ok(took >= 1500 && took < 6000, `ended ${took} ms after the stop`);
  assert.is(((await l.rest(EMU, `/app/status/${CID.ignore}`)).json as { state: string }).state, 'stopped');
});

test('endless loop: the REST API answers within 100 ms while it computes; stop ends it', async () => {
  if (skipped(toolchainMissing())) return;
  const app = buildTestApp('spin', join(l.dir, 'apps'), l.env);
  await probing(async () => {
    deploy(l, app.package, EMU);
    await until('it to spin', () => log(CID.spin).includes('spin: spinning'));
    await new Promise((r) => setTimeout(r, 1500));
    assert.is(l.run(['device', 'app', 'stop', '-i', CID.spin]).code, 0);
    await ended(CID.spin);
  });
  assert.ok(log(CID.spin).includes('ended: did not end after SIGTERM; ended (stop requested)'));
});

test('networking status follows the emulator\'s network state while the app runs', async () => {
  if (skipped(toolchainMissing())) return;
  const cid = '7b000000-0000-4000-8000-000000000009';
  const app = buildTestApp('net-watch', join(l.dir, 'apps'), l.env);
  deploy(l, app.package, EMU);
  const line = (text: string) => until(`"${text}"`, () => log(cid).includes(text));
  await line('net-watch: ready=0 wlan0=0x1');
  assert.is(l.run(['device', 'wifi', 'add', '--ssid', 'EmuOpen', '--device', EMU]).code, 0);
  await line('net-watch: ready=1 wlan0=0xf');
  assert.is(l.run(['device', 'network', 'disable', '--interface', 'wlan0', '--device', EMU]).code, 0);
  await line('net-watch: ready=0 wlan0=0x0');
  assert.is(l.run(['device', 'app', 'stop', '-i', cid]).code, 0);
});

test('power: ForceSystemReboot reboots the device and ForceSystemPowerDown sleeps it, each after SIGTERM; without PowerControls the call is refused', async () => {
  if (skipped(toolchainMissing())) return;
  const cid = '7b000000-0000-4000-8000-000000000010';
  const app = buildTestApp('power', join(l.dir, 'apps'), l.env);
  const bootsBefore = ((await l.rest(EMU, '/status')).json as { uptime: number }).uptime;
  deploy(l, app.package, EMU);
  const lines = await until('the third run', () => { const x = log(cid); return x.includes('power: run 3') ? x : undefined; }, 15_000);
  const order = ['power: run 1', 'power: reboot requested', 'power: SIGTERM before the reboot', 'power: run 2', 'power: power-down requested', 'power: SIGTERM before the power-down', 'power: run 3'];
  const at = order.map((t) => lines.indexOf(t));
  assert.ok(at.every((i, k) => i >= 0 && (k === 0 || i > at[k - 1]!)), lines.join('\n'));
  const boots = (await get('/log')).body;
  assert.match(boots, /reboot requested by an app/);
  assert.match(boots, /powered down for up to 2 s at an app's request/);
  assert.match(boots, /woke from power-down/);
  assert.ok(((await l.rest(EMU, '/status')).json as { uptime: number }).uptime <= bootsBefore + 15);
  assert.is(l.run(['device', 'app', 'stop', '-i', cid]).code, 0);

  const dir = join(l.dir, 'power-nocap');
  cpSync(resolve('test/fixtures/apps/power'), dir, { recursive: true });
  writeFileSync(join(dir, 'app_manifest.json'), JSON.stringify({ SchemaVersion: 1, Name: 'power', ComponentId: '7b000000-0000-4000-8000-000000000012', EntryPoint: '/bin/app', CmdArgs: [], Capabilities: { MutableStorage: { SizeKB: 8 } }, ApplicationType: 'Default' }));
  const b = l.run(['app', 'build', dir, '-o', 'json'], { timeout: 240_000 });
  assert.is(b.code, 0, b.stderr);
  deploy(l, (JSON.parse(b.stdout) as { package: string }).package, EMU);
  const refused = await until('the refusal', () => { const x = log('7b000000-0000-4000-8000-000000000012'); return x.some((t) => t.startsWith('power: reboot refused')) ? x : undefined; });
  assert.ok(refused.includes('power: reboot refused: Permission denied (2)'), refused.join('\n'));
  assert.ok(refused.includes('denied PowerManagement_ForceSystemReboot/PowerDown: power control ForceReboot is not allowed by the manifest (Capabilities.PowerControls)'), refused.join('\n'));
  assert.is(l.run(['device', 'app', 'stop', '-i', '7b000000-0000-4000-8000-000000000012']).code, 0);
});

test('system events: staging an update tells a registered app (pending), its deferral is broadcast back (deferred)', async () => {
  if (skipped(toolchainMissing())) return;
  const cid = '7b000000-0000-4000-8000-000000000011';
  const app = buildTestApp('sysevent', join(l.dir, 'apps'), l.env);
  deploy(l, app.package, EMU);
  await until('the registration', () => log(cid).includes('sysevent: registered'));
  const other = packApp(l, 'update', '7b000000-0000-4000-8000-000000000013', WASM.spin());
  const staged = await l.rest(EMU, '/update/stage', { method: 'PUT', body: readFileSync(other) });
  assert.is(staged.status, 200);
  const lines = await until('the deferral broadcast', () => { const x = log(cid); return x.includes('sysevent: event 1 status 3') ? x : undefined; });
  assert.ok(lines.includes('sysevent: pending, type 1, up to 1440 min'), lines.join('\n'));
  assert.ok(lines.includes('sysevent: defer -> 0'), lines.join('\n'));
  assert.match((await get('/log')).body, new RegExp(`${cid} deferred the pending update by 5 min`));
  assert.is((await l.rest(EMU, '/update/install', { method: 'POST' })).status, 200);
  await until('the update to replace it', () => log(cid).some((t) => t.startsWith('ended:')));
  assert.is(l.run(['device', 'app', 'stop', '-i', '7b000000-0000-4000-8000-000000000013']).code, 0);
});

test('the image package is a read-only folder: fopen of Storage_GetAbsolutePathInImagePackage\'s path reads a resource file', async () => {
  if (skipped(toolchainMissing())) return;
  const cid = '7b000000-0000-4000-8000-000000000014';
  const app = buildTestApp('image-file', join(l.dir, 'apps'), l.env);
  deploy(l, app.package, EMU);
  const lines = await ended(cid);
  assert.ok(lines.includes(`image-file: path /mnt/apps/${cid}/data/greeting.txt`), lines.join('\n'));
  assert.ok(lines.includes('image-file: fopen read "hello from the image package"'), lines.join('\n'));
  assert.ok(lines.includes('image-file: open read 5 "hello"'), lines.join('\n'));
  assert.ok(lines.includes('image-file: open for writing: -1 Read-only file system'), lines.join('\n'));
  assert.ok(lines.includes('image-file: missing file: No such file or directory'), lines.join('\n'));
  assert.ok(lines.includes('ended: exit code 0'), lines.join('\n'));
  assert.is(l.run(['device', 'app', 'stop', '-i', cid]).code, 0);
});

test('PWM dims LED 1 as applied and refuses bad states; ADC samples follow the potentiometer', async () => {
  if (skipped(toolchainMissing())) return;
  const cid = '7b000000-0000-4000-8000-000000000015';
  const app = buildTestApp('pwm-adc', join(l.dir, 'apps'), l.env);
  deploy(l, app.package, EMU);
  const lines = await until('the first sample', () => { const x = log(cid); return x.some((t) => t.startsWith('pwm-adc: sample')) ? x : undefined; });
  expectLines(lines, ['pwm-adc: apply 0', 'pwm-adc: duty above period -1 Invalid argument', 'pwm-adc: channel 9 -1 No such device', 'pwm-adc: controller 1 -1 Permission denied', 'pwm-adc: 12 bits, reference 0', 'pwm-adc: sample 2048 = 1.250 V']);
  assert.ok(lines.includes('denied PWM_Open: PWM-CONTROLLER-1 is not allowed by the manifest (Capabilities.Pwm)'), lines.join('\n'));
  const io = JSON.parse(l.run(['emulator', 'io', 'show', '--name', EMU, '-o', 'json']).stdout) as { parts: Record<string, { brightness?: number; lit: boolean }>; pwm: Record<string, unknown> };
  assert.equal(io.parts['led1_red'], { kind: 'led', gpio: 8, lit: true, brightness: 0.25 });
  assert.equal(io.pwm['2/0'], { periodNs: 20000, dutyNs: 5000, polarity: 'inversed', enabled: true });
  assert.is(l.run(['emulator', 'io', 'set', 'adc', '0', '4095', '--name', EMU]).code, 0);
  await until('the new sample', () => log(cid).includes('pwm-adc: sample 4095 = 2.500 V'));
  const bad = l.run(['emulator', 'io', 'set', 'adc', '0', '5000', '--name', EMU]);
  assert.is(bad.code, 2);
  assert.match(bad.stderr, /an ADC sample is 0 to 4095/);
  assert.is(l.run(['device', 'app', 'stop', '-i', cid]).code, 0);
});

test('SPI: the LSM6DS3 on ISU1 chip select A answers, chip select B has nothing, ISU2 is refused without the capability', async () => {
  if (skipped(toolchainMissing())) return;
  const cid = '7b000000-0000-4000-8000-000000000016';
  const app = buildTestApp('spi', join(l.dir, 'apps'), l.env);
  deploy(l, app.package, EMU);
  const lines = await ended(cid);
  expectLines(lines, ['spi: speed 0 mode 0', 'spi: WHO_AM_I 0x69 (2 bytes)', 'spi: CTRL1_XL written (2 bytes)', 'spi: vertical 1.00g', 'spi: chip select B reads 0xff', 'spi: ISU2 -1 Permission denied', 'ended: exit code 0']);
  assert.ok(lines.includes('denied SPIMaster_Open: SPI master ISU2 is not allowed by the manifest (Capabilities.SpiMaster)'), lines.join('\n'));
  assert.is(l.run(['device', 'app', 'stop', '-i', cid]).code, 0);
});

test('mutable storage is capped at MutableStorage.SizeKB: a write past it fails with ENOSPC and is logged', async () => {
  if (skipped(toolchainMissing())) return;
  const cid = '7b000000-0000-4000-8000-000000000017';
  const app = buildTestApp('storage-cap', join(l.dir, 'apps'), l.env);
  deploy(l, app.package, EMU);
  const lines = await ended(cid);
  expectLines(lines, ['storage-cap: wrote 8192', 'storage-cap: one more byte: -1 No space left on device', 'storage-cap: delete while open: -1 Resource busy', 'storage-cap: delete: 0']);
  assert.ok(lines.some((t) => t.startsWith('mutable storage full: a write at offset 8192 passes the manifest\'s MutableStorage.SizeKB (8 KiB)')), lines.join('\n'));
  assert.is(l.run(['device', 'app', 'stop', '-i', cid]).code, 0);
});

test('the REST API answered within 100 ms while the apps ran (95% of requests; none held for a second)', () => {
  if (skipped(toolchainMissing())) return;
  assert.ok(answers.length > 20, `${answers.length} requests`);
  // A main thread held by an app would hold every answer for seconds (the spin lasts 3.5 s); a
  // shared 2-core machine delays a rare TLS handshake now and then, so allow 1 in 20 over 100 ms.
  const sorted = [...answers].sort((a, b) => a - b);
  const p95 = sorted[Math.floor(sorted.length * 0.95)]!;
  const worst = sorted.at(-1)!;
  assert.ok(p95 < 100, `95% of ${answers.length} answers within ${p95.toFixed(1)} ms`);
  assert.ok(worst < 1000, `slowest answer ${worst.toFixed(1)} ms of ${answers.length}`);
});

test.run();
