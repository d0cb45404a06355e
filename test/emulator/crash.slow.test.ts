/**
 * Crash safety (acceptance 3): 200 cycles of stage/stage/install (or delete) against the built
 * binary, each cut short by SIGKILL at a random moment. After every restart the device must boot
 * and answer, every image its flash index names must verify (checked by OpenSSL against the CA
 * that signed it), each component must be at its old or its new version, and the two staged
 * components must have been installed together or not at all.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { deviceRequest, type ProbeResponse } from '../../emulator/index';
import { BIN, derSignatureForOpenssl, tempDir } from '../helpers';
import { devCaPackage } from './helpers';

const CYCLES = Number(process.env['SPHERE_CRASH_CYCLES'] ?? 200);
const exec = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));


const crash = suite('crash safety');

crash(`${CYCLES} SIGKILLs during stage/install/delete leave the old or the new state`, async () => {
  const t = tempDir('sphere-crash-');
  const home = join(t.dir, 'home');
  const stateDir = join(t.dir, 'state');
  const env = { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', SPHERE_EMULATOR_HOME: home, SPHERE_CA_DIR: join(t.dir, 'ca') };
  let child: ChildProcess | undefined;
  try {
    const A = '11111111-2222-4333-8444-555555555555', B = '66666666-7777-4888-8999-aaaaaaaaaaaa';
    const pkgs: Record<string, Array<Awaited<ReturnType<typeof devCaPackage>>>> = {
      [A]: [await devCaPackage(t.dir, { componentId: A, seed: 1, extraBytes: 600_000 }), await devCaPackage(t.dir, { componentId: A, seed: 2, extraBytes: 900_000 })],
      [B]: [await devCaPackage(t.dir, { componentId: B, seed: 3, extraBytes: 700_000 }), await devCaPackage(t.dir, { componentId: B, seed: 4, extraBytes: 500_000 })],
    };
    const imageId = (bytes: Uint8Array) => {
      const v = Buffer.from(bytes);
      const meta = v.length - 64 - v.readUInt32LE(v.length - 68);
      const id = v.subarray(meta + 8 + 4 + 4 + 16, meta + 8 + 4 + 4 + 32); // section header, type+reserved, component GUID
      const h = (i: number) => id[i]!.toString(16).padStart(2, '0');
      return `${h(3)}${h(2)}${h(1)}${h(0)}-${h(5)}${h(4)}-${h(7)}${h(6)}-${h(8)}${h(9)}-${[10, 11, 12, 13, 14, 15].map(h).join('')}`;
    };
    const versions: Record<string, string[]> = { [A]: pkgs[A]!.map((p) => imageId(p.bytes)), [B]: pkgs[B]!.map((p) => imageId(p.bytes)) };
    const caPemFile = join(t.dir, 'signer.pem');
    writeFileSync(caPemFile, pkgs[A]![0]!.caPem);
    const pubFile = join(t.dir, 'signer.pub.pem');
    await exec('openssl', ['x509', '-in', caPemFile, '-noout', '-pubkey', '-out', pubFile]);

    const boot = async (): Promise<{ url: string; caPem: string }> => {
      const c = spawn(BIN, ['emulator', 'start', '--foreground', '--state-dir', stateDir], { env, stdio: 'ignore' });
      child = c;
      const deadline = Date.now() + 20_000;
      const reg = join(home, 'run', 'default.json');
      while (Date.now() < deadline) {
        if (c.exitCode !== null) throw new Error(`the emulator exited with ${c.exitCode}`);
        if (existsSync(reg)) {
          try {
            const e = JSON.parse(readFileSync(reg, 'utf8')) as { pid: number; url: string; caPem: string };
            if (e.pid === c.pid && (await deviceRequest({ url: e.url, caPem: e.caPem, path: '/status', timeoutMs: 2000 })).status === 200) return e;
          } catch { /* not ready */ }
        }
        await sleep(10);
      }
      throw new Error('the emulator did not answer within 20 s');
    };
    const kill = async () => {
      const c = child!;
      if (c.exitCode === null && c.signalCode === null) {
        const gone = new Promise((r) => c.once('exit', r));
        c.kill('SIGKILL');
        await gone;
      }
    };

    let installed: Record<string, string | undefined> = {};
    let possible: Record<string, Array<string | undefined>> = {};
    let together: Record<string, string> | undefined;
    let kills = 0, midway = 0;
    let window = 60;
    const outcomes = new Set<string>();
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const dev = await boot();
      const call = (method: string, path: string, body?: Uint8Array | string, type?: string): Promise<ProbeResponse> =>
        deviceRequest({ url: dev.url, caPem: dev.caPem, method, path, ...(body === undefined ? {} : { body }), headers: type ? { 'Content-Type': type } : {}, timeoutMs: 10_000 });

      // What the device reports now.
      const list = (await call('GET', '/images')).json as { components: Array<{ uid: string; image_type: number; images: Array<{ uid: string }> }> };
      const now: Record<string, string | undefined> = {};
      for (const c of list.components) if (c.image_type === 10 && c.images[0]) now[c.uid] = c.images[0].uid;
      for (const cid of [A, B]) {
        const allowed = cycle === 0 ? [undefined] : possible[cid]!;
        assert.ok(allowed.includes(now[cid]), `cycle ${cycle}: component ${cid} is ${now[cid]}, expected one of ${JSON.stringify(allowed)}`);
      }
      if (together) {
        const aNew = now[A] === together[A], bNew = now[B] === together[B];
        assert.is(aNew, bNew, `cycle ${cycle}: install was not all-or-none (${JSON.stringify(now)})`);
        outcomes.add(aNew ? 'installed' : 'not installed');
      }
      // Every image in the flash index verifies (OpenSSL), and secure boot refused none this boot.
      const index = JSON.parse(readFileSync(join(stateDir, 'flash', 'index.json'), 'utf8')) as { bootCount: number; images: Record<string, { blob: string; imageId: string }> };
      for (const [cid, rec] of Object.entries(index.images)) {
        assert.is(rec.imageId, now[cid], `cycle ${cycle}: /images agrees with flash`);
        const bytes = readFileSync(join(stateDir, 'flash', 'blobs', rec.blob));
        assert.is(createHash('sha256').update(bytes).digest('hex'), rec.blob);
        writeFileSync(join(t.dir, 'signed.bin'), bytes.subarray(0, bytes.length - 64));
        writeFileSync(join(t.dir, 'sig.der'), derSignatureForOpenssl(bytes.subarray(bytes.length - 64)));
        const v = await exec('openssl', ['dgst', '-sha256', '-verify', pubFile, '-signature', join(t.dir, 'sig.der'), join(t.dir, 'signed.bin')]);
        assert.match(v.stdout, /Verified OK/);
      }
      const log = (await call('GET', '/log')).body.toString('latin1');
      assert.not.match(log, /secure-boot-failure/, `cycle ${cycle}: secure boot refused an image`);
      installed = now;

      // The next operation, killed at a random moment.
      const deleting = cycle % 5 === 4 && installed[A] !== undefined;
      possible = { [A]: [installed[A]], [B]: [installed[B]] };
      const next = (cid: string) => pkgs[cid]![installed[cid] === versions[cid]![0] ? 1 : 0]!;
      let steps: Array<() => Promise<ProbeResponse>>;
      if (deleting) {
        possible[A]!.push(undefined);
        together = undefined;
        steps = [() => call('DELETE', `/app/image/${A}`)];
      } else {
        const na = next(A), nb = next(B);
        together = { [A]: imageId(na.bytes), [B]: imageId(nb.bytes) };
        possible[A]!.push(together[A]);
        possible[B]!.push(together[B]);
        steps = [
          () => call('PUT', '/update/stage', na.bytes, 'application/octet-stream'),
          () => call('PUT', '/update/stage', nb.bytes, 'application/octet-stream'),
          () => call('POST', '/update/install', JSON.stringify({ appControlMode: 'Manual' }), 'application/json'),
        ];
      }
      // Kill within a window that follows how long the operation takes on this machine (fsync speed
      // varies a lot), so kills land both before and after it completes.
      const delay = Math.random() * (deleting ? window / 4 : window);
      const timer = sleep(delay).then(kill);
      let completed = true;
      for (const s of steps) {
        try { await s(); } catch { completed = false; break; }
      }
      await timer;
      kills++;
      if (!completed) midway++;
      if (!deleting) window = completed ? Math.max(20, window * 0.9) : Math.min(5000, window * 1.15);
    }
    await boot();
    assert.ok(kills === CYCLES);
    assert.ok(midway > CYCLES / 10, `only ${midway} of ${CYCLES} kills landed mid-operation`);
    assert.ok(outcomes.size === 2 || CYCLES < 20, `both outcomes seen: ${[...outcomes].join(', ')}`);
    process.stderr.write(`crash safety: ${kills} kills, ${midway} mid-operation, outcomes ${[...outcomes].join(' / ')}\n`);
  } finally {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    t.done();
  }
});

crash.run();
