/**
 * Attestation benchmark (issue acceptance 6), against the built `dist/sphere`: the round trip from
 * asking an emulator for a report (POST /x-spherekit/attestation on a fresh nonce, a new TLS
 * connection) to the verified verdict (attestation/verify.ts: chain, signature, nonce, digest),
 * against one TLS request (GET /status, a new connection) to the same emulator in the same run,
 * alternating; medians of 21.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { deviceRequest } from '../emulator/index';
import { verifyReport } from '../attestation/index';
import type { BenchRow } from './run';

const BIN = resolve('dist/sphere');
const RUNS = 21;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => { const a = s.address(); s.close(() => res(typeof a === 'object' && a ? a.port : 0)); });
    s.on('error', rej);
  });
}

export default async function bench(): Promise<BenchRow[]> {
  const work = join(tmpdir(), `sphere-attestation-bench-${process.pid}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const env: NodeJS.ProcessEnv = { PATH: process.env['PATH'], HOME: work, NO_COLOR: '1', SPHERE_EMULATOR_HOME: join(work, 'emu') };
  const stateDir = join(work, 'device');
  const port = await freePort();
  const url = `https://127.0.0.1:${port}`;
  const child = spawn(BIN, ['emulator', 'start', '--foreground', '--state-dir', stateDir, '--listen', `127.0.0.1:${port}`, '--capabilities', 'appDevelopment'], { env, stdio: 'ignore' });
  try {
    let caPem = '';
    for (let i = 0; ; i++) {
      if (child.exitCode !== null) throw new Error(`the emulator exited with ${child.exitCode}`);
      try {
        caPem = readFileSync(join(stateDir, 'tls', 'ca.pem'), 'utf8');
        if ((await deviceRequest({ url, caPem, path: '/status', timeoutMs: 1000 })).status === 200) break;
      } catch { /* not up yet */ }
      if (i > 2000) throw new Error('the emulator did not answer');
      await sleep(5);
    }
    const root = readFileSync(join(work, 'emu', 'manufacturer', 'root.pem'), 'utf8');
    const tls: number[] = [], attest: number[] = [];
    const roundTrip = async () => {
      const nonce = new Uint8Array(randomBytes(32));
      const t0 = process.hrtime.bigint();
      const r = await deviceRequest({ url, caPem, method: 'POST', path: '/x-spherekit/attestation', body: JSON.stringify({ nonce: Buffer.from(nonce).toString('hex') }), headers: { 'Content-Type': 'application/json' } });
      const v = verifyReport(String((r.json as { report?: unknown }).report), { nonce, trust: [root] });
      if (!v.ok) throw new Error(`the report does not hold: ${v.reason} ${v.message}`);
      return ms(t0);
    };
    const oneTls = async () => {
      const t0 = process.hrtime.bigint();
      const r = await deviceRequest({ url, caPem, path: '/status' });
      if (r.status !== 200) throw new Error(`GET /status answered ${r.status}`);
      return ms(t0);
    };
    for (let i = 0; i < 3; i++) { await roundTrip(); await oneTls(); } // warm up
    for (let i = 0; i < RUNS; i++) { attest.push(await roundTrip()); tls.push(await oneTls()); }
    const ours = median(attest), reference = median(tls);
    return [{ name: 'attestation round trip (request → verified verdict) vs one TLS request', value: ours, unit: 'ms', reference, ratio: ours / reference }];
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(work, { recursive: true, force: true });
  }
}
