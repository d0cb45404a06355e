/**
 * Emulator benchmarks (issue acceptance 6), against the built `dist/sphere`:
 *  - cold start: from spawning `sphere emulator start` on a state folder holding 20 installed
 *    images (each verified by secure boot) to the first answer of GET /status; median of 7.
 *    Target ≤ 300 ms.
 *  - sideload: PUT /update/stage of a 10 MiB package over loopback by a Node HTTPS client (pinned
 *    CA, as a device client does), against `curl --data-binary` of the same bytes to the same
 *    server in the same run, alternating; medians of 7. Target ≤ 1.5× curl.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildPackage, planApplicationPackage } from '../image-builder/index';
import { fileSigner, initDevCa, loadDevCa } from '../signer/index';
import { Device, deviceRequest } from '../emulator/index';
import type { BenchRow } from './run';

const BIN = resolve('dist/sphere');
const RUNS = 7;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => { const a = s.address(); s.close(() => res(typeof a === 'object' && a ? a.port : 0)); });
    s.on('error', rej);
  });
}

async function appPackage(work: string, ca: { keyPem: string; certPem: string }, i: number, size: number): Promise<Uint8Array> {
  const approot = join(work, `app${i}`);
  mkdirSync(join(approot, 'bin'), { recursive: true });
  const cid = `${(0x10000000 + i).toString(16)}-0000-4000-8000-00000000beef`;
  writeFileSync(join(approot, 'app_manifest.json'), JSON.stringify({ SchemaVersion: 1, Name: `bench${i}`, ComponentId: cid, EntryPoint: '/bin/app', CmdArgs: [], Capabilities: {}, ApplicationType: 'Default', TargetApplicationRuntimeVersion: 16 }));
  writeFileSync(join(approot, 'bin', 'app'), randomFillSync(Buffer.alloc(size)));
  return buildPackage(planApplicationPackage({ approot, buildTime: 1700000000 }), fileSigner(ca));
}

interface Proc { child: ChildProcess; url: string; caPem: string }

async function startEmulator(stateDir: string, env: NodeJS.ProcessEnv): Promise<Proc & { ms: number }> {
  const port = await freePort();
  const url = `https://127.0.0.1:${port}`;
  const t0 = process.hrtime.bigint();
  const child = spawn(BIN, ['emulator', 'start', '--foreground', '--state-dir', stateDir, '--listen', `127.0.0.1:${port}`], { env, stdio: 'ignore' });
  const caPath = join(stateDir, 'tls', 'ca.pem');
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the emulator exited with ${child.exitCode}`);
    try {
      const caPem = readFileSync(caPath, 'utf8');
      const r = await deviceRequest({ url, caPem, path: '/status', timeoutMs: 1000 });
      if (r.status === 200) return { child, url, caPem, ms: Number(process.hrtime.bigint() - t0) / 1e6 };
    } catch { /* not up yet */ }
    await sleep(2);
  }
}

async function stop(p: Proc): Promise<void> {
  const gone = new Promise((r) => p.child.once('exit', r));
  p.child.kill('SIGTERM');
  await gone;
}

export default async function bench(): Promise<BenchRow[]> {
  const work = join(tmpdir(), `sphere-emulator-bench-${process.pid}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const env: NodeJS.ProcessEnv = { PATH: process.env['PATH'], HOME: work, NO_COLOR: '1', SPHERE_CA_DIR: join(work, 'ca'), SPHERE_EMULATOR_HOME: join(work, 'emu') };
  const rows: BenchRow[] = [];
  try {
    await initDevCa({ dir: join(work, 'ca') });
    const ca = await loadDevCa(join(work, 'ca'));

    // A state folder with 20 installed images, made through the device model itself.
    const stateDir = join(work, 'state20');
    const d = Device.open({ stateDir, capabilities: [], trust: [ca.certPem] });
    for (let i = 0; i < 20; i++) {
      d.stage(await appPackage(work, ca, i, 16_384 + i * 1024));
      d.install('Manual');
    }
    const cold: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const p = await startEmulator(stateDir, env);
      cold.push(p.ms);
      const images = (await deviceRequest({ url: p.url, caPem: p.caPem, path: '/images' })).json as { components: Array<{ image_type: number }> };
      if (images.components.filter((c) => c.image_type === 10).length !== 20) throw new Error('the emulator did not list 20 images');
      await stop(p);
    }
    const coldMs = median(cold);
    rows.push({ name: 'emulator cold start to first answer (20 installed images)', value: coldMs, unit: 'ms', target: '≤ 300 ms', ok: coldMs <= 300 });

    // Sideload of 10 MiB: Node HTTPS client vs curl, same bytes, same server.
    const big = await appPackage(work, ca, 99, 10 * 1024 * 1024);
    const file = join(work, 'big.imagepackage');
    writeFileSync(file, big);
    const p = await startEmulator(join(work, 'state-sideload'), env);
    const caFile = join(work, 'device-ca.pem');
    writeFileSync(caFile, p.caPem);
    const port = new URL(p.url).port;
    const ours: number[] = [], curl: number[] = [];
    try {
      for (let i = 0; i < RUNS; i++) {
        let t = process.hrtime.bigint();
        const r = await deviceRequest({ url: p.url, caPem: p.caPem, method: 'PUT', path: '/update/stage', body: big, headers: { 'Content-Type': 'application/octet-stream' }, timeoutMs: 60_000 });
        ours.push(Number(process.hrtime.bigint() - t) / 1e6);
        if (r.status !== 200) throw new Error(`stage answered ${r.status} ${r.body.toString()}`);
        t = process.hrtime.bigint();
        const c = spawnSync('curl', ['-sS', '-o', '/dev/null', '-w', '%{http_code}', '--cacert', caFile, '--connect-to', `device.devices.sphere.azure.local:${port}:127.0.0.1:${port}`,
          '-X', 'PUT', '-H', 'Content-Type: application/octet-stream', '--data-binary', `@${file}`, `https://device.devices.sphere.azure.local:${port}/update/stage`], { encoding: 'utf8' });
        curl.push(Number(process.hrtime.bigint() - t) / 1e6);
        if (c.stdout !== '200') throw new Error(`curl stage answered ${c.stdout} ${c.stderr}`);
      }
    } finally {
      await stop(p);
    }
    const oursMs = median(ours), curlMs = median(curl);
    rows.push({ name: 'sideload stage of 10 MiB over loopback (Node HTTPS vs curl)', value: oursMs, unit: 'ms', reference: curlMs, ratio: oursMs / curlMs, target: '≤ 1.5× curl', ok: oursMs / curlMs <= 1.5 });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return rows;
}
