/**
 * End-to-end: Microsoft's samples (../shared/fixtures/samples, unchanged) built with their own
 * CMake presets against `sphere sdk path`, deployed through the CLI to an emulator with the
 * virtual clock, and checked for what each sample does: HelloWorld's LED toggles every second;
 * the GPIO sample's button press changes the blink rate; MutableStorage's count survives an app
 * restart and a SIGKILL of the emulator; the UART sample's message comes back on the looped ISU0;
 * the I2C sample reads the LSM6DS3 model, whose readings follow the motion it is given; without the Gpio capability the sample's own error says
 * "Permission denied" and the emulator logs the denial. Skipped, saying why, without ../shared or
 * the C toolchain.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createConnection } from 'node:net';
import { BIN } from '../helpers';
import { lab, type Lab } from '../sideload/e2e-helpers';
import { appLog, deploy, intervals, ioShow, until } from './app-helpers';

const SAMPLES = resolve('../shared/fixtures/samples');
const TOOLS = ['clang', 'wasm-ld', 'cmake', 'ninja'];
const missingTools = TOOLS.filter((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0);
const skip = !existsSync(SAMPLES) ? `${SAMPLES} is not there (a clone without ../shared)` : missingTools.length ? `${missingTools.join(', ')} not installed (.ci/run installs them)` : '';

const HELLO = { dir: 'Samples/HelloWorld/HelloWorld_HighLevelApp', project: 'HelloWorld_HighLevelApp', cid: '1689d8b2-c835-2e27-27ad-e894d6d15fa9' };
const GPIO = { dir: 'Samples/GPIO/GPIO_HighLevelApp', project: 'GPIO_HighLevelApp' };
const STORAGE = { dir: 'Samples/MutableStorage', project: 'MutableStorage' };
const EMU = 'samples';

let l: Lab;
let sdk = '';
let scratch = '';
/** A copy of dist/sphere in a folder with no checkout: the SDK and the packing come from it alone. */
let alone = '';

const manifestOf = (dir: string) => JSON.parse(readFileSync(join(scratch, dir, 'app_manifest.json'), 'utf8')) as { ComponentId: string };

/** Configures and builds one sample the way its presets say; returns the package. */
function buildSample(dir: string, project: string): string {
  const env = { ...l.env, AzureSphereDefaultSDKDir: sdk, SPHERE_TOOL: alone, PATH: process.env['PATH'] ?? '' };
  const cwd = join(scratch, dir);
  for (const args of [['--preset', 'ARM-Debug'], ['--build', 'out/ARM-Debug']]) {
    const r = spawnSync('cmake', args, { cwd, env, encoding: 'utf8', timeout: 180_000 });
    assert.is(r.status, 0, `cmake ${args.join(' ')} in ${dir}: ${r.stdout}\n${r.stderr}`);
  }
  const pkg = join(cwd, 'out', 'ARM-Debug', `${project}.imagepackage`);
  assert.ok(existsSync(pkg), `${pkg} was built`);
  return pkg;
}

const press = (button: string, ms = 50) => {
  const r = l.run(['emulator', 'io', 'press', button, '--for', String(ms), '--name', EMU]);
  assert.is(r.code, 0, r.stderr);
};

const test = suite('Microsoft samples built unchanged and run in the emulator');
test.before(() => {
  if (skip) return;
  l = lab('sphere-samples-e2e-');
  mkdirSync(join(l.dir, 'bin'));
  alone = join(l.dir, 'bin', 'sphere');
  copyFileSync(BIN, alone);
  const p = spawnSync(alone, ['sdk', 'path'], { cwd: l.dir, env: { ...l.env, XDG_CACHE_HOME: join(l.dir, 'cache'), PATH: process.env['PATH'] ?? '' }, encoding: 'utf8' });
  assert.is(p.status, 0, p.stderr);
  sdk = p.stdout.trim();
  assert.ok(sdk.startsWith(join(l.dir, 'cache')), sdk);
  scratch = join(l.dir, 'samples');
  cpSync(SAMPLES, scratch, { recursive: true });
  l.start(EMU, ['--capabilities', 'appDevelopment', '--clock', 'virtual']);
});
test.after(() => { if (!skip) l.done(); });

test('HelloWorld_HighLevelApp: LED 1 red toggles every second, with its start line', async () => {
  if (skip) { console.log(`  (skipped: ${skip})`); return; }
  deploy(l, buildSample(HELLO.dir, HELLO.project), EMU);
  await until('its first line', () => appLog(l, EMU, HELLO.cid).includes('Starting CMake Hello World application...'));
  const v = await until('six toggles', () => { const x = ioShow(l, EMU); return intervals(x, 8).length >= 6 ? x : undefined; });
  assert.is(v.clock.mode, 'virtual');
  const gaps = intervals(v, 8);
  assert.ok(gaps.every((g) => g === 1000), `gaps between LED changes: ${gaps.join(', ')} ms`);
  const values = v.history.filter((h) => h.gpio === 8).map((h) => h.value);
  assert.ok(values.every((x, i) => i === 0 || x !== values[i - 1]), 'the level alternates');
  assert.equal(v.gpio['8']?.direction, 'output');
});

test('HelloWorld without its Gpio capability: "Permission denied" from the sample, the denial in the log, the device stays up', async () => {
  if (skip) { console.log(`  (skipped: ${skip})`); return; }
  const dir = 'Samples/HelloWorld/NoGpio';
  cpSync(join(scratch, HELLO.dir), join(scratch, dir), { recursive: true, filter: (s) => !s.includes('/out') });
  const m = JSON.parse(readFileSync(join(scratch, dir, 'app_manifest.json'), 'utf8')) as Record<string, unknown>;
  m['Capabilities'] = {};
  m['ComponentId'] = '1689d8b2-c835-2e27-27ad-e894d6d15fb0';
  writeFileSync(join(scratch, dir, 'app_manifest.json'), JSON.stringify(m, null, 2));
  deploy(l, buildSample(dir, HELLO.project), EMU);
  const lines = await until('the error line', () => { const x = appLog(l, EMU, m['ComponentId'] as string); return x.some((t) => t.startsWith('Error opening GPIO')) ? x : undefined; });
  assert.ok(lines.includes('Error opening GPIO: Permission denied (2). Check that app_manifest.json includes the GPIO used.'), lines.join('\n'));
  assert.ok(lines.includes('denied GPIO_OpenAsOutput: GPIO 8 is not allowed by the manifest (Capabilities.Gpio)'), lines.join('\n'));
  assert.ok(lines.some((t) => t === 'ended: exit code 1'), lines.join('\n'));
  assert.is((await l.rest(EMU, '/status')).status, 200);
});

test('GPIO_HighLevelApp: pressing button A changes the blink rate', async () => {
  if (skip) { console.log(`  (skipped: ${skip})`); return; }
  deploy(l, buildSample(GPIO.dir, GPIO.project), EMU);
  const cid = manifestOf(GPIO.dir).ComponentId;
  await until('the LED to blink', () => { const g = intervals(ioShow(l, EMU), 8); return g.length >= 4 && g.slice(-4).every((x) => x === 125); });
  press('a');
  const after = await until('the new rate', () => { const g = intervals(ioShow(l, EMU), 8); return g.length >= 4 && g.slice(-4).every((x) => x === 250) ? g : undefined; });
  assert.ok(after.slice(-4).every((x) => x === 250), after.join(', '));
  assert.ok(appLog(l, EMU, cid).includes('GPIO application starting.'));
});

test('MutableStorage: the count survives an app restart and a SIGKILL of the emulator', async () => {
  if (skip) { console.log(`  (skipped: ${skip})`); return; }
  deploy(l, buildSample(STORAGE.dir, STORAGE.project), EMU);
  const cid = manifestOf(STORAGE.dir).ComponentId;
  const ready = () => until('the buttons to be open', () => { const v = ioShow(l, EMU); return v.gpio['12']?.direction === 'input' && v.gpio['13']?.direction === 'input'; });
  const pressUntil = async (line: string) => {
    press('a', 300); // the sample polls its buttons every 100 ms
    await until(`"${line}"`, () => appLog(l, EMU, cid).includes(line));
  };
  await ready();
  await pressUntil('Writing 1 to the mutable file');
  await pressUntil('Read 1 from the mutable file, updating to 2');
  assert.is(l.run(['device', 'app', 'stop', '-i', cid, '--device', EMU]).code, 0);
  assert.is(l.run(['device', 'app', 'start', '-i', cid, '--device', EMU]).code, 0);
  await ready();
  await pressUntil('Read 2 from the mutable file, updating to 3');
  const pid = l.entry(EMU)!.pid;
  process.kill(pid, 'SIGKILL');
  await until('the emulator to die', () => { try { process.kill(pid, 0); return false; } catch { return true; } });
  l.start(EMU, ['--capabilities', 'appDevelopment', '--clock', 'virtual']);
  await ready();
  await pressUntil('Read 3 from the mutable file, updating to 4');
});

test('UART_HighLevelApp: button A sends a message over ISU0, which the board loops back to RX', async () => {
  if (skip) { console.log(`  (skipped: ${skip})`); return; }
  const dir = 'Samples/UART/UART_HighLevelApp';
  deploy(l, buildSample(dir, 'UART_HighLevelApp'), EMU);
  const cid = manifestOf(dir).ComponentId;
  await until('the button to be open', () => ioShow(l, EMU).gpio['12']?.direction === 'input');
  press('a', 300);
  const text = await until('the message back', () => { const x = appLog(l, EMU, cid).join('\n'); return x.includes("UART received 13 bytes: 'Hello world!\n'.") ? x : undefined; });
  assert.ok(text.includes('Sent 13 bytes over UART in 1 calls.'), text);
});

test('UART_HighLevelApp on a board whose ISU0 is bridged to a TCP port: a client reads what the app sends and the app logs what the client sends', async () => {
  if (skip) { console.log(`  (skipped: ${skip})`); return; }
  const dir = 'Samples/UART/UART_HighLevelApp';
  const boardFile = join(l.dir, 'bridged.json');
  const shown = l.run(['emulator', 'board']);
  const board = JSON.parse(shown.stdout) as { uart: Record<string, unknown> };
  board.uart = { ISU0: { tcp: 0 } };
  writeFileSync(boardFile, JSON.stringify(board));
  l.start('bridged', ['--capabilities', 'appDevelopment', '--clock', 'virtual', '--board', boardFile]);
  try {
    deploy(l, join(scratch, dir, 'out', 'ARM-Debug', 'UART_HighLevelApp.imagepackage'), 'bridged');
    const cid = manifestOf(dir).ComponentId;
    const uart = (ioShow(l, 'bridged') as unknown as { uart: Record<string, string> }).uart;
    const port = Number(/^tcp 127\.0\.0\.1:(\d+)$/.exec(uart['ISU0'] ?? '')?.[1]);
    assert.ok(port > 0, JSON.stringify(uart));
    await until('the button to be open', () => ioShow(l, 'bridged').gpio['12']?.direction === 'input');
    let received = '';
    const client = createConnection({ host: '127.0.0.1', port });
    client.on('data', (c: Buffer) => { received += c.toString(); });
    await new Promise((done) => client.once('connect', done));
    assert.is(l.run(['emulator', 'io', 'press', 'a', '--for', '300', '--name', 'bridged']).code, 0);
    await until('the message at the client', () => received.includes('Hello world!\n'));
    client.write('ping');
    await until('the app to log it', () => appLog(l, 'bridged', cid).some((t) => t === "UART received 4 bytes: 'ping'."));
    client.destroy();
  } finally { l.stop('bridged'); }
});

test('I2C_LSM6DS3_HighLevelApp: the accelerometer answers on ISU2 and its readings follow the model\'s motion', async () => {
  if (skip) { console.log(`  (skipped: ${skip})`); return; }
  const dir = 'Samples/I2C/I2C_LSM6DS3_HighLevelApp';
  deploy(l, buildSample(dir, 'I2C_LSM6DS3_HighLevelApp'), EMU);
  const cid = manifestOf(dir).ComponentId;
  const lines = await until('a reading', () => { const x = appLog(l, EMU, cid, 100_000); return x.some((t) => /vertical acceleration: 1\.00g$/.test(t)) ? x : undefined; });
  for (const how of ['I2CMaster_WriteThenRead', 'I2CMaster_Write + I2CMaster_Read', 'POSIX read + write']) assert.ok(lines.includes(`INFO: WHO_AM_I=0x69 (${how})`), lines.join('\n'));
  const set = l.run(['emulator', 'io', 'set', 'motion', 'az', '--name', EMU, '-o', 'json', '--', '-500']);
  assert.is(set.code, 0, set.stderr);
  assert.is((JSON.parse(set.stdout) as { az: number }).az, -500);
  await until('the new reading', () => appLog(l, EMU, cid).some((t) => /vertical acceleration: -0\.50g$/.test(t)));
  assert.is(l.run(['emulator', 'io', 'set', 'motion', 'az', '1000', '--name', EMU]).code, 0);
});

test.run();
