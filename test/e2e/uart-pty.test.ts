/**
 * End-to-end: `sphere emulator start --uart-pty ISU0` bridges the UART to a pseudo-terminal that
 * a terminal program opens (here `socat - <link>`, as picocom or screen would): with Microsoft's
 * UART sample built unchanged, button A's message arrives on the terminal and a line typed there
 * reaches the app, which logs it; after the terminal program quits, a new one works too. A bad
 * ISU is one line. The sample's part skips, saying why, without socat, ../shared or the C toolchain.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, lstatSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN } from '../helpers';
import { lab, oneLine, type Lab } from '../sideload/e2e-helpers';
import { appLog, deploy, ioShow, until } from './app-helpers';
import { samplesMissing } from '../sdk/helpers';

const SAMPLES = join(process.cwd(), '../shared/fixtures/samples');
const skip = spawnSync('sh', ['-c', 'command -v socat']).status !== 0 ? 'socat is not installed (.ci/run installs it)' : samplesMissing();
const EMU = 'pty';
const UART = 'Samples/UART/UART_HighLevelApp';

let l: Lab;

/** A terminal program on the pseudo-terminal: what it prints, and a way to type and to quit. */
function terminal(path: string): { out: () => string; type: (s: string) => void; quit: () => Promise<void> } {
  const child = spawn('socat', ['-', `${path},raw,echo=0`], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => { out += c.toString(); });
  return {
    out: () => out,
    type: (s) => { child.stdin.write(s); },
    quit: () => new Promise((done) => { child.once('exit', () => done()); child.kill(); }),
  };
}

const test = suite('a UART bridged to a pseudo-terminal');
test.before(() => { l = lab('sphere-uart-pty-'); });
test.after(() => l.done());

test('the UART sample talks to a terminal program on <state>/ISU0.pty, and again after it reconnects', async () => {
  if (skip) { console.log(`  (skipped: ${skip})`); return; }
  mkdirSync(join(l.dir, 'bin'));
  const alone = join(l.dir, 'bin', 'sphere');
  copyFileSync(BIN, alone);
  const sdk = spawnSync(alone, ['sdk', 'path'], { cwd: l.dir, env: { ...l.env, XDG_CACHE_HOME: join(l.dir, 'cache'), PATH: process.env['PATH'] ?? '' }, encoding: 'utf8' });
  assert.is(sdk.status, 0, sdk.stderr);
  const scratch = join(l.dir, 'samples');
  for (const d of ['Samples/UART', 'HardwareDefinitions']) cpSync(join(SAMPLES, d), join(scratch, d), { recursive: true });
  const env = { ...l.env, AzureSphereDefaultSDKDir: sdk.stdout.trim(), SPHERE_TOOL: alone, PATH: process.env['PATH'] ?? '' };
  for (const args of [['--preset', 'ARM-Debug'], ['--build', 'out/ARM-Debug']]) {
    const r = spawnSync('cmake', args, { cwd: join(scratch, UART), env, encoding: 'utf8', timeout: 180_000 });
    assert.is(r.status, 0, `cmake ${args.join(' ')}: ${r.stdout}\n${r.stderr}`);
  }
  const cid = (JSON.parse(readFileSync(join(scratch, UART, 'app_manifest.json'), 'utf8')) as { ComponentId: string }).ComponentId;

  const e = l.start(EMU, ['--capabilities', 'appDevelopment', '--uart-pty', 'ISU0']);
  const link = join(e.stateDir, 'ISU0.pty');
  assert.ok(lstatSync(link).isSymbolicLink(), `${link} links to the terminal`);
  assert.is((ioShow(l, EMU) as unknown as { uart: Record<string, string> }).uart['ISU0'], `pty ${link}`);
  deploy(l, join(scratch, UART, 'out', 'ARM-Debug', 'UART_HighLevelApp.imagepackage'), EMU);
  await until('the button to be open', () => ioShow(l, EMU).gpio['12']?.direction === 'input', 15_000);

  const t = terminal(link);
  await new Promise((r) => setTimeout(r, 300));
  assert.is(l.run(['emulator', 'io', 'press', 'a', '--for', '300', '--name', EMU]).code, 0);
  await until('the message on the terminal', () => t.out().includes('Hello world!\n'));
  t.type('from a terminal\n');
  await until('the app to log the line', () => appLog(l, EMU, cid).some((x) => x.startsWith("UART received 16 bytes: 'from a terminal")));
  await t.quit();

  // socat ended with the terminal; the emulator offers a new one on the same link.
  await until('a new terminal', () => existsSync(link), 5000);
  await new Promise((r) => setTimeout(r, 300));
  const again = terminal(link);
  await new Promise((r) => setTimeout(r, 300));
  again.type('second\n');
  await until('the app to log the second line', () => appLog(l, EMU, cid).some((x) => x.startsWith("UART received 7 bytes: 'second")), 10_000);
  await again.quit();
  l.stop(EMU);
  assert.not.ok(existsSync(link), 'the link goes with the emulator');
});

test('a UART that is not ISU0-ISU4 is one line, exit 2, nothing started', () => {
  const r = l.run(['emulator', 'start', '--detach', '--name', 'bad', '--uart-pty', 'UART7']);
  assert.is(r.code, 2);
  assert.is(oneLine(r), 'error: Cannot bridge UART "UART7" to a pseudo-terminal: expected ISU0 to ISU4. Fix --uart-pty.');
  assert.is(l.entry('bad'), undefined);
});

test.run();
