/**
 * App runtime benchmarks (the "apps run" issue, acceptance 5), on the worker bundle the binary
 * carries (built here the way scripts/build.mjs builds it):
 *  - app start: from the start call to the app's first Log_Debug line reaching the main thread,
 *    against a bare worker that compiles, instantiates and starts an empty module and posts one
 *    message; alternating, medians of 15. Target ≤ 1.5×.
 *  - GPIO_SetValue from a wasm loop: 10,000,000 calls between two log lines, timed on the app's
 *    clock; best of 3. Target ≥ 1,000,000 calls/s.
 *  - CPU-bound C: SHA-256 of 16 MiB (bench/apps/sha256, own code), built by the SDK at -O2 (the
 *    ARM-Release preset) and run in the emulator's runtime, against the same C built with
 *    `cc -O2`; each times its own hashing with clock_gettime; medians of 5. Target ≤ 2.0×.
 *    Skipped with a line saying why where clang or cc is missing.
 *  - scenario: `sphere emulator test` of a scenario that blinks samples/hello for 60 s of
 *    emulated time, whole command, median of 5, against the 60 s it emulates. Target < 2 s.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { build } from 'esbuild';
import { AppRuntime, RuntimeClock, type AppSpec, type AppLogLine } from '../emulator/runtime/index';
import { GpioBoard } from '../emulator/board/index';
import { WASM, wasmModule } from '../test/emulator/wasm-builder';
import type { BenchRow } from './run';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function spec(componentId: string, wasm: Uint8Array, files: Record<string, Uint8Array> = {}): AppSpec {
  return {
    componentId, name: componentId, wasm, args: [], files, storageFile: join(tmpdir(), 'sphere-bench-none', 'mutable'),
    capabilities: { gpio: [8], uart: [], i2c: [], spi: [], pwm: [], adc: [], mutableStorageKB: 0, powerControls: [], systemEventNotifications: false, softwareUpdateDeferral: false },
    debug: true, networkingReady: false, interfaces: {}, deviceAuthReady: false,
  };
}

/** Resolves with each app log line as it arrives, until `done` says stop. */
function lines(rt: AppRuntime, done: (l: AppLogLine, all: AppLogLine[]) => boolean): Promise<AppLogLine[]> {
  return new Promise((resolve) => {
    const all: AppLogLine[] = [];
    const f = (l: AppLogLine) => {
      if (l.source !== 'app') return;
      all.push(l);
      if (done(l, all)) { rt.log.listeners.delete(f); resolve(all); }
    };
    rt.log.listeners.add(f);
  });
}

const BARE = `const { parentPort, workerData } = require('node:worker_threads');
const m = new WebAssembly.Module(workerData);
new WebAssembly.Instance(m, {}).exports._start();
parentPort.postMessage(1);`;

function bareStart(empty: Uint8Array): Promise<number> {
  const t0 = performance.now();
  return new Promise((res) => {
    const w = new Worker(BARE, { eval: true, workerData: empty });
    w.once('message', () => { const t = performance.now() - t0; void w.terminate().then(() => res(t)); });
  });
}

async function appStart(rt: AppRuntime, hello: Uint8Array, i: number): Promise<number> {
  const t0 = performance.now();
  const first = lines(rt, () => true);
  const p = await rt.start(spec(`start-${i}`, hello));
  await first;
  const t = performance.now() - t0;
  await p.kill('bench');
  return t;
}

function sha256Rows(rt: AppRuntime, work: string): Promise<BenchRow[]> | BenchRow[] {
  const missing = ['clang', 'cc', 'cmake', 'ninja'].filter((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0);
  if (missing.length) {
    process.stderr.write(`  (SHA-256 benchmark skipped: ${missing.join(', ')} not installed)\n`);
    return [];
  }
  const src = resolve('bench/apps/sha256');
  const proj = join(work, 'sha256');
  cpSync(src, proj, { recursive: true });
  const sphere = resolve('dist/sphere');
  const env = { ...process.env, SPHERE_CA_DIR: join(work, 'ca') };
  spawnSync(sphere, ['ca', 'init'], { env });
  const b = spawnSync(sphere, ['app', 'build', proj, '--preset', 'ARM-Release', '-o', 'json'], { env, encoding: 'utf8' });
  if (b.status !== 0) throw new Error(`sphere app build failed: ${b.stderr}`);
  const wasm = readFileSync(join(proj, 'out', 'ARM-Release', 'approotsha256', 'bin', 'app'));
  const native = join(work, 'sha256-native');
  const cc = spawnSync('cc', ['-O2', '-o', native, join(src, 'sha256.c')], { encoding: 'utf8' });
  if (cc.status !== 0) throw new Error(`cc failed: ${cc.stderr}`);
  const ms = (text: string) => Number(/ in ([\d.]+) ms/.exec(text)?.[1] ?? NaN);
  return (async () => {
    const ours: number[] = [];
    const ref: number[] = [];
    let digestOurs = '';
    let digestRef = '';
    for (let i = 0; i < 5; i++) {
      const n = spawnSync(native, { encoding: 'utf8' });
      ref.push(ms(n.stdout));
      digestRef = n.stdout.split(' ')[1] ?? '';
      const done = lines(rt, (l) => / in [\d.]+ ms/.test(l.text));
      await rt.start(spec(`sha-${i}`, wasm));
      const out = (await done).at(-1)!.text;
      ours.push(ms(out));
      digestOurs = out.split(' ')[1] ?? '';
    }
    if (digestOurs !== digestRef) throw new Error(`the wasm build hashed to ${digestOurs}, the native one to ${digestRef}`);
    const v = median(ours);
    const r = median(ref);
    return [{ name: 'SHA-256 of 16 MiB, SDK -O2 in the runtime vs cc -O2', value: v, unit: 'ms', reference: r, ratio: v / r, target: '<= 2.0x', ok: v / r <= 2.0 }];
  })();
}

/** Wall time of a scenario that blinks samples/hello for 60 s of emulated time, against those 60 s. */
function scenarioRow(work: string): BenchRow {
  const sphere = resolve('dist/sphere');
  const env = { ...process.env, SPHERE_CA_DIR: join(work, 'ca-scenario') };
  spawnSync(sphere, ['ca', 'init'], { env });
  const pkg = join(work, 'hello.imagepackage');
  spawnSync(sphere, ['image', 'pack', resolve('samples/hello/approot'), '--destination', pkg, '--target-api-set', '16'], { env });
  const file = join(work, 'blink.yaml');
  writeFileSync(file, 'name: blink a minute\nsteps:\n  - wait-serial: "HelloSphere: starting"\n  - delay: 60s\n  - expect-app-state: running\n');
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    const r = spawnSync(sphere, ['emulator', 'test', file, '--package', pkg], { env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`the scenario failed: ${r.stdout}${r.stderr}`);
    times.push(performance.now() - t0);
  }
  const v = median(times);
  return { name: '60 s blink scenario (sphere emulator test), wall time', value: v, unit: 'ms', reference: 60_000, ratio: v / 60_000, target: '< 2000 ms', ok: v < 2000 };
}

export default async function (): Promise<BenchRow[]> {
  const worker = await build({ bundle: true, platform: 'node', target: 'node20', format: 'cjs', minify: true, write: false, logLevel: 'error', entryPoints: ['emulator/runtime/worker.ts'], define: { 'import.meta.url': '""' } });
  (globalThis as Record<string, unknown>)['__SPHERE_APP_WORKER__'] = worker.outputFiles[0]!.text;
  const work = mkdtempSync(join(tmpdir(), 'sphere-bench-rt-'));
  // The SHA-256 app holds its 16 MiB input in memory: a larger allowance than the device default.
  const rt = new AppRuntime({ stateDir: work, clock: new RuntimeClock('real'), board: new GpioBoard(), osVersion: '23.05', appMemoryKB: 32 * 1024 });
  try {
    const rows: BenchRow[] = [];
    const hello = WASM.hello();
    const empty = wasmModule({ types: [[0x60, 0x00, 0x00]], funcs: [{ type: 0, body: [] }], exports: [{ name: '_start', func: 0 }] });
    await appStart(rt, hello, -1);
    await bareStart(empty);
    const a: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < 15; i++) { a.push(await appStart(rt, hello, i)); b.push(await bareStart(empty)); }
    const ratios = a.map((x, i) => x / b[i]!);
    rows.push({ name: 'app start → first Log_Debug line', value: median(a), unit: 'ms', reference: median(b), ratio: median(ratios), target: '<= 1.5x', ok: median(ratios) <= 1.5 });

    const N = 10_000_000;
    const rates: number[] = [];
    for (let i = 0; i < 3; i++) {
      const done = lines(rt, (_l, all) => all.length >= 2);
      await rt.start(spec(`gpio-${i}`, WASM.gpioLoop(N)));
      const [first, second] = await done;
      rates.push(N / ((second!.clock - first!.clock) / 1000));
    }
    const best = Math.max(...rates);
    rows.push({ name: 'GPIO_SetValue calls from a wasm loop', value: best, unit: 'calls/s', target: '>= 1000000', ok: best >= 1_000_000 });
    rows.push(...await sha256Rows(rt, work));
    rows.push(scenarioRow(work));
    return rows;
  } finally {
    await rt.killAll('bench done');
    if (existsSync(work)) rmSync(work, { recursive: true, force: true });
  }
}
