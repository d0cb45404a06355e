/**
 * Image benchmarks against the machine's floor, measured in the same run: pack a generated 64 MiB
 * approot of 500 files with the built binary against `node -e 0` + `openssl dgst -sha256` of the
 * files + `cat` of them into one file (what any packer must at least do: start, hash every byte,
 * write them once); verify the package against `node -e 0` + `openssl dgst -sha256` of it;
 * `sphere --version` against `node -e 0`. OpenSSL's SHA-256 (SHA-NI where the CPU has it) is the
 * fastest hash on these machines; `sha256sum` is several times slower, so it would flatter us.
 * Whole processes are timed, start-up included; each run times ours and then the reference's
 * parts one after the other, and the row gives the ratio of the medians and each run's ratio
 * as min/median/max.
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

interface Compared { ours: number; reference: number; ratios: { min: number; median: number; max: number } }

/** Runs the pair interleaved so both see the same machine state. */
function compare(runs: number, ours: () => number, reference: () => number): Compared {
  ours(); reference(); // warm the page cache and the binaries
  const a: number[] = [], b: number[] = [];
  for (let i = 0; i < runs; i++) { a.push(ours()); b.push(reference()); }
  const r = a.map((x, i) => x / b[i]!).sort((x, y) => x - y);
  return { ours: median(a), reference: median(b), ratios: { min: r[0]!, median: median(r), max: r[r.length - 1]! } };
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
    const node = () => time(process.execPath, ['-e', '0']);
    const catInto = join(work, 'cat.out');
    const pack = compare(7,
      () => time(BIN, ['image', 'pack', join(work, 'approot'), '--destination', out, '--target-api-set', '16', '--output', 'none'], env),
      () => node() + time('openssl', ['dgst', '-sha256', ...files]) + time('sh', ['-c', 'cat "$@" > "$0"', catInto, ...files]));
    const verify = compare(9, () => time(BIN, ['image', 'verify', out, '--output', 'none'], env), () => node() + time('openssl', ['dgst', '-sha256', out]));
    const start = compare(21, () => time(BIN, ['--version']), node);
    const row = (name: string, m: Compared, limit: number, ref: string) => ({
      name, value: m.ours, unit: 'ms', reference: m.reference, ratio: m.ours / m.reference, ratios: m.ratios,
      target: `<= ${limit}x ${ref}`, ok: m.ours / m.reference <= limit,
    });
    return [
      row(`image pack, 64 MiB / ${readdirSync(join(work, 'approot')).length} dirs, 500 files`, pack, 1.25, 'node -e 0 + openssl dgst -sha256 + cat of the files'),
      row('image verify, 64 MiB package', verify, 1.15, 'node -e 0 + openssl dgst -sha256 of the package'),
      row('sphere --version', start, 1.0, 'node -e 0'),
    ];
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
