/** Shared test helpers: fixture paths, temp folders, running the built binary, subset comparison. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';

export const FIXTURES = resolve('test/fixtures');
export const IMAGEPACKAGES = join(FIXTURES, 'imagepackage');
export const BIN = resolve('dist/sphere');

export const APP_FIXTURES = [
  'anvilsecure--azure-sphere-re--test_app.imagepackage',
  'Azure-Sphere-DevX--AzureSphereDevX.Examples--avnet_PHT_HLApp-V1.imagepackage',
  'AzureSphereCloudEnabledAltair8800--AltairOnAzureSphere--emulator_avnet_r1_sd_retro.imagepackage',
];
export const SDK_FIXTURES = [...APP_FIXTURES, 'Azure-Sphere-DevX--AzureSphereDevX.Examples--lan-enc28j60-isu0-int5.imagepackage'];
export const PRODUCTION_FIXTURE = 'Azure-Sphere-DevX--AzureSphereDevX.Examples--avnet_PHT_HLApp-V1-signed.imagepackage';
export const ALL_FIXTURES = [...SDK_FIXTURES, PRODUCTION_FIXTURE];

export function tempDir(prefix = 'sphere-test-'): { dir: string; done: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, done: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Lists every place where `expected` (recursively) differs from `actual`; extra keys in `actual` are fine. */
export function subsetMismatches(expected: unknown, actual: unknown, path = ''): string[] {
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object') return [`${path}: expected an object/array, got ${JSON.stringify(actual)}`];
    if (Array.isArray(expected)) {
      if (!Array.isArray(actual) || actual.length !== expected.length) return [`${path}: expected ${expected.length} items, got ${Array.isArray(actual) ? actual.length : typeof actual}`];
    }
    return Object.entries(expected as Record<string, unknown>).flatMap(([k, v]) => subsetMismatches(v, (actual as Record<string, unknown>)[k], `${path}/${k}`));
  }
  return Object.is(expected, actual) ? [] : [`${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`];
}

export interface RunResult { code: number; stdout: string; stderr: string }

/** Runs the built binary with a clean environment (no colour, an isolated CA folder unless given). */
export function sphere(args: string[], options: { cwd?: string; env?: Record<string, string | undefined>; input?: string; timeout?: number } = {}): RunResult {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries({ PATH: process.env['PATH'], HOME: process.env['HOME'], NO_COLOR: '1', ...options.env })) if (v !== undefined) env[k] = v;
  const opts: SpawnSyncOptions = { cwd: options.cwd ?? process.cwd(), env, encoding: 'utf8', timeout: options.timeout ?? 60_000 };
  if (options.input !== undefined) opts.input = options.input;
  const r = spawnSync(BIN, args, opts);
  return { code: r.status ?? -1, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? '') };
}

/** Deterministic PRNG (mulberry32): a fuzz or data run replays exactly from its seed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * DER ECDSA-Sig-Value of a raw r‖s P-256 signature, for `openssl dgst -verify`; written here
 * independently of the project's encoder, so OpenSSL stays a second implementation.
 */
export function derSignatureForOpenssl(raw: Uint8Array): Buffer {
  const int = (b: Uint8Array) => {
    let i = 0;
    while (i < b.length - 1 && b[i] === 0) i++;
    let v = Buffer.from(b.subarray(i));
    if (v[0]! & 0x80) v = Buffer.concat([Buffer.of(0), v]);
    return Buffer.concat([Buffer.of(0x02, v.length), v]);
  };
  const body = Buffer.concat([int(raw.subarray(0, 32)), int(raw.subarray(32))]);
  return Buffer.concat([Buffer.of(0x30, body.length), body]);
}

/**
 * Runs `fn` in a fresh temp folder with a development CA made by the binary (`SPHERE_CA_DIR`
 * in `env`, plus what `extra` adds for that folder); the folder goes afterwards.
 */
export function withCa<T>(fn: (dir: string, env: Record<string, string>) => T, extra: (dir: string) => Record<string, string> = () => ({})): T {
  const t = tempDir();
  try {
    const env = { SPHERE_CA_DIR: join(t.dir, 'ca'), ...extra(t.dir) };
    const r = sphere(['ca', 'init'], { env });
    if (r.code !== 0) throw new Error(`sphere ca init exited with ${r.code}: ${r.stderr}`);
    return fn(t.dir, env);
  } finally {
    t.done();
  }
}
