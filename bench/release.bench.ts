/**
 * Release-signing benchmarks, each against a reference measured in the same run on the same
 * digests: (1) file-key signing throughput in signatures/s, in-process and as whole `sphere image
 * sign --key` runs, against one `openssl dgst -sha256 -sign` process per message; (2) the cost of
 * a PKCS#11 signature as `--pkcs11` makes it (list and sign in one run, check against the
 * certificate) over a bare `pkcs11-tool --sign`
 * in a SoftHSM token made here. Ratios above 1 mean ours is faster for throughput rows and slower
 * for the overhead row, as each row's name says.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import type { BenchRow } from './run';
import { fileSigner, parsePkcs11Uri, pkcs11Signer } from '../signer/index';
import { makeToken, missing } from '../test/e2e/softhsm';

const BIN = resolve('dist/sphere');

function ms<T>(f: () => T): number {
  const t = process.hrtime.bigint();
  f();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

async function msAsync(f: () => Promise<unknown>): Promise<number> {
  const t = process.hrtime.bigint();
  await f();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): void {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], env });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
}

export default async function bench(): Promise<BenchRow[]> {
  const work = join(tmpdir(), `sphere-bench-release-${process.pid}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const rows: BenchRow[] = [];
  try {
    const env = { ...process.env, SPHERE_CA_DIR: join(work, 'ca'), NO_COLOR: '1' };
    run(BIN, ['ca', 'init'], env);
    const issued = JSON.parse(execFileSync(BIN, ['ca', 'issue', 'bench', '-o', 'json'], { env, encoding: 'utf8' })) as { certPath: string; keyPath: string };
    const { readFileSync } = await import('node:fs');
    const keyPem = readFileSync(issued.keyPath, 'utf8');
    const certPem = readFileSync(issued.certPath, 'utf8');

    // (1) the same 200 messages signed in-process and by one openssl process each.
    const N = 200;
    const messages = Array.from({ length: N }, () => randomBytes(4096));
    const files = messages.map((m, i) => { const p = join(work, `m${i}.bin`); writeFileSync(p, m); return p; });
    const signer = fileSigner({ keyPem, certPem });
    await signer.sign(messages[0]!); // first signature builds the curve tables
    const ours = await msAsync(async () => { for (const m of messages) await signer.sign(m); });
    const ref = ms(() => { for (const f of files) run('openssl', ['dgst', '-sha256', '-sign', issued.keyPath, '-out', `${f}.sig`, f]); });
    rows.push({ name: 'file-key signatures, in-process (higher is better)', value: (N * 1000) / ours, unit: 'sig/s', reference: (N * 1000) / ref, ratio: ref / ours });

    // Whole `sphere image sign --key` runs (start-up included) on a small package, against openssl per message.
    run(BIN, ['image', 'pack', resolve('samples/hello/approot'), '--destination', join(work, 'a.imagepackage'), '--target-api-set', '16'], env);
    const M = 20;
    const cli = ms(() => { for (let i = 0; i < M; i++) run(BIN, ['image', 'sign', join(work, 'a.imagepackage'), '--key', issued.keyPath, '--cert', issued.certPath, '--destination', join(work, 'b.imagepackage')], env); });
    const ref2 = ms(() => { for (let i = 0; i < M; i++) run('openssl', ['dgst', '-sha256', '-sign', issued.keyPath, '-out', join(work, 'x.sig'), join(work, 'a.imagepackage')]); });
    rows.push({ name: 'image sign --key, whole process (higher is better)', value: (M * 1000) / cli, unit: 'sig/s', reference: (M * 1000) / ref2, ratio: ref2 / cli });

    // (2) PKCS#11: our token signature against a bare pkcs11-tool --sign of the same digests.
    const why = missing();
    if (why) {
      process.stderr.write(`  skip PKCS#11 bench: ${why}\n`);
    } else {
      const tok = makeToken(join(work, 'hsm'), 'bench');
      const o = { uri: parsePkcs11Uri(tok.uri), env: { ...process.env, ...tok.env } };
      const K = 20;
      const digests = messages.slice(0, K).map((m) => new Uint8Array(createHash('sha256').update(m).digest()));
      const dfiles = digests.map((d, i) => { const p = join(work, `d${i}.bin`); writeFileSync(p, d); return p; });
      run(BIN, ['ca', 'issue', 'token', '--pkcs11', tok.uri, '--destination', join(work, 'tok.pem')], { ...env, ...tok.env });
      const tokSigner = pkcs11Signer({ ...o, certPem: readFileSync(join(work, 'tok.pem'), 'utf8') });
      const p11 = await msAsync(async () => { for (const m of messages.slice(0, K)) await tokSigner.sign(m); });
      const bare = ms(() => {
        for (const f of dfiles) run('pkcs11-tool', ['--module', tok.module, '--token-label', tok.label, '--login', '--pin', 'env:P', '--sign', '--mechanism', 'ECDSA', '--id', '01', '-i', f, '-o', `${f}.sig`], { ...process.env, ...tok.env, P: tok.pin });
      });
      rows.push({ name: 'PKCS#11 signature via --pkcs11 over bare pkcs11-tool --sign (lower is better)', value: p11 / K, unit: 'ms/sig', reference: bare / K, ratio: p11 / bare });
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return rows;
}
