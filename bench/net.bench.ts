/**
 * Apps' networking benchmark: the cost of a TCP round trip made by an app (bench/apps/tcp-rtt,
 * built by the SDK at -O2, blocking send/recv of 32 bytes through the worker, the main thread's
 * broker and a real loopback connection) against the same round trips made by a node:net client
 * in this process to the same echo server; 2,000 round trips each, alternating, medians of 5.
 * Reported per round trip; no target (the hop through the main thread is the price of apps
 * that block). Skipped with a line saying why where clang, cmake or ninja is missing.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, connect, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { AppRuntime, RuntimeClock, type AppLogLine } from '../emulator/runtime/index';
import { GpioBoard } from '../emulator/board/index';
import type { BenchRow } from './run';

const N = 2000;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function nodeRoundTrips(port: number): Promise<number> {
  return new Promise((res, rej) => {
    const c: Socket = connect(port, '127.0.0.1');
    const out = Buffer.alloc(32, 'x');
    let left = N;
    let got = 0;
    let t0 = 0;
    c.on('connect', () => { t0 = performance.now(); c.write(out); });
    c.on('data', (d: Buffer) => {
      got += d.length;
      while (got >= 32) {
        got -= 32;
        if (--left === 0) { const us = (performance.now() - t0) * 1000; c.destroy(); res(us); return; }
        c.write(out);
      }
    });
    c.on('error', rej);
  });
}

export default async function (): Promise<BenchRow[]> {
  const missing = ['clang', 'cmake', 'ninja'].filter((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0);
  if (missing.length) {
    process.stderr.write(`  (TCP round-trip benchmark skipped: ${missing.join(', ')} not installed)\n`);
    return [];
  }
  const worker = await build({ bundle: true, platform: 'node', target: 'node20', format: 'cjs', minify: true, write: false, logLevel: 'error', entryPoints: ['emulator/runtime/worker.ts'], define: { 'import.meta.url': '""' } });
  (globalThis as Record<string, unknown>)['__SPHERE_APP_WORKER__'] = worker.outputFiles[0]!.text;
  const work = mkdtempSync(join(tmpdir(), 'sphere-bench-net-'));
  const echo = createServer((c) => { c.setNoDelay(true); c.on('data', (d) => c.write(d)); });
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', () => r()));
  const port = (echo.address() as AddressInfo).port;
  const rt = new AppRuntime({ stateDir: work, clock: new RuntimeClock('real'), board: new GpioBoard(), osVersion: '23.05' });
  try {
    const proj = join(work, 'tcp-rtt');
    cpSync(resolve('bench/apps/tcp-rtt'), proj, { recursive: true });
    const sphere = resolve('dist/sphere');
    const env = { ...process.env, SPHERE_CA_DIR: join(work, 'ca') };
    spawnSync(sphere, ['ca', 'init'], { env });
    const b = spawnSync(sphere, ['app', 'build', proj, '--preset', 'ARM-Release', '-o', 'json'], { env, encoding: 'utf8' });
    if (b.status !== 0) throw new Error(`sphere app build failed: ${b.stderr}`);
    const wasm = readFileSync(join(proj, 'out', 'ARM-Release', 'approottcp-rtt', 'bin', 'app'));
    const ours: number[] = [];
    const ref: number[] = [];
    for (let i = 0; i < 5; i++) {
      const line = new Promise<AppLogLine>((res) => {
        const f = (l: AppLogLine) => { if (l.source === 'app' && l.text.startsWith('tcp-rtt:')) { rt.log.listeners.delete(f); res(l); } };
        rt.log.listeners.add(f);
      });
      await rt.start({
        componentId: `rtt-${i}`, name: 'tcp-rtt', wasm, args: [String(port), String(N)], files: {}, storageFile: join(work, 'none', 'mutable'),
        capabilities: { gpio: [], uart: [], i2c: [], spi: [], pwm: [], adc: [], mutableStorageKB: 0, powerControls: [], systemEventNotifications: false, softwareUpdateDeferral: false, allowedConnections: ['127.0.0.1'] },
        debug: true, networkingReady: true, interfaces: {}, deviceAuthReady: false,
      });
      const m = /in (\d+) us/.exec((await line).text);
      if (!m) throw new Error(`the app said: ${(await line).text}`);
      ours.push(Number(m[1]) / N);
      ref.push((await nodeRoundTrips(port)) / N);
    }
    const v = median(ours);
    const r = median(ref);
    return [{ name: 'TCP round trip of 32 bytes: app (blocking send/recv) vs node:net client', value: v, unit: 'us', reference: r, ratio: v / r }];
  } finally {
    await rt.killAll('bench done');
    echo.close();
    if (existsSync(work)) rmSync(work, { recursive: true, force: true });
  }
}
