/**
 * Image benchmarks: pack and verify a generated 64 MiB approot of about 500 files with the built
 * binary, against `sha256sum` over the same bytes in the same run; `sphere --version` against
 * `node -e 0`. Whole processes are timed, start-up included, median of several runs.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { randomFillSync } from 'node:crypto';

const BIN = resolve('dist/sphere');

function time(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): number {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], env });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  return ms;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Runs the pair interleaved so both see the same machine state. */
function compare(runs: number, ours: () => number, reference: () => number): { ours: number; reference: number } {
  ours(); reference(); // warm the page cache and the binaries
  const a: number[] = [], b: number[] = [];
  for (let i = 0; i < runs; i++) { a.push(ours()); b.push(reference()); }
  return { ours: median(a), reference: median(b) };
}

function makeApproot(dir: string): string[] {
  const approot = join(dir, 'approot');
  mkdirSync(join(approot, 'bin'), { recursive: true });
  writeFileSync(join(approot, 'app_manifest.json'), JSON.stringify({ SchemaVersion: 1, Name: 'Bench', ComponentId: '0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f0', EntryPoint: '/bin/app', CmdArgs: [], Capabilities: {}, ApplicationType: 'Default' }));
  const total = 64 * 1024 * 1024;
  const count = 500;
  const buf = Buffer.alloc(Math.ceil(total / count));
  const files: string[] = [];
  for (let i = 0; i < count; i++) {
    const sub = join(approot, `d${i % 20}`);
    mkdirSync(sub, { recursive: true });
    const p = i === 0 ? join(approot, 'bin', 'app') : join(sub, `f${i}.bin`);
    randomFillSync(buf);
    writeFileSync(p, buf);
    files.push(p);
  }
  return files;
}

export default async function bench() {
  const work = join(tmpdir(), `sphere-bench-${process.pid}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  try {
    const env = { ...process.env, SPHERE_CA_DIR: join(work, 'ca'), NO_COLOR: '1' };
    time(BIN, ['ca', 'init'], env);
    const files = makeApproot(work);
    const out = join(work, 'bench.imagepackage');
    const pack = compare(5,
      () => time(BIN, ['image', 'pack', join(work, 'approot'), '--destination', out, '--target-api-set', '16', '--output', 'none'], env),
      () => time('sha256sum', files));
    const verify = compare(7, () => time(BIN, ['image', 'verify', out, '--output', 'none'], env), () => time('sha256sum', [out]));
    const start = compare(15, () => time(BIN, ['--version']), () => time(process.execPath, ['-e', '0']));
    const row = (name: string, m: { ours: number; reference: number }, limit: number, ref: string) => ({
      name, value: m.ours, unit: 'ms', reference: m.reference, ratio: m.ours / m.reference,
      target: `<= ${limit}x ${ref}`, ok: m.ours / m.reference <= limit,
    });
    return [
      row(`image pack, 64 MiB / ${readdirSync(join(work, 'approot')).length} dirs, 500 files`, pack, 2, 'sha256sum'),
      row('image verify, 64 MiB package', verify, 1.5, 'sha256sum'),
      row('sphere --version', start, 1.3, 'node -e 0'),
    ];
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
