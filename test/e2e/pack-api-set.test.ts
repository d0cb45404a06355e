/**
 * End-to-end: `dist/sphere image pack` refuses a `--target-api-set` that disagrees with the
 * manifest's TargetApplicationRuntimeVersion (or TargetBetaApis), and an API set no released OS
 * serves (from the flag or the manifest) — one line, nothing written — while an agreeing flag packs.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { cpSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { sphere, tempDir } from '../helpers';

const SAMPLE = resolve('samples/hello/approot');
const test = suite('image pack --target-api-set');
let t: { dir: string; done: () => void };
let env: Record<string, string>;

test.before(() => {
  t = tempDir('sphere-apiset-');
  env = { SPHERE_CA_DIR: join(t.dir, 'ca') };
  assert.is(sphere(['ca', 'init'], { env }).code, 0);
});
test.after(() => t.done());

/** A copy of the sample approot whose manifest has these fields changed (undefined removes one). */
function approot(name: string, fields: Record<string, unknown>): string {
  const root = join(t.dir, name);
  cpSync(SAMPLE, root, { recursive: true });
  const m = JSON.parse(readFileSync(join(root, 'app_manifest.json'), 'utf8')) as Record<string, unknown>;
  for (const [k, v] of Object.entries(fields)) { if (v === undefined) delete m[k]; else m[k] = v; }
  writeFileSync(join(root, 'app_manifest.json'), JSON.stringify(m, null, 2));
  return root;
}

function refused(root: string, args: string[], code: number, pattern: RegExp): void {
  const out = join(t.dir, `${root.split('/').pop()}-${args.join('_')}.imagepackage`);
  const r = sphere(['image', 'pack', root, '--destination', out, ...args], { env });
  assert.is(r.code, code, r.stderr);
  assert.is(r.stdout, '');
  const lines = r.stderr.trim().split('\n');
  assert.is(lines.length, 1, r.stderr);
  assert.match(lines[0]!, pattern);
  assert.not.ok(existsSync(out), 'no package is written');
  assert.equal(readdirSync(t.dir).filter((f) => f.includes('.tmp')), [], 'no temporary file is left');
}

test('a flag that disagrees with the manifest\'s TargetApplicationRuntimeVersion: exit 2, one line naming both', () => {
  refused(approot('disagree', { TargetApplicationRuntimeVersion: 16 }), ['--target-api-set', '15'], 2,
    /^error: Cannot pack manifest ".*disagree\/app_manifest\.json": --target-api-set "15" disagrees with its TargetApplicationRuntimeVersion 16\. Pass --target-api-set 16, or change the manifest\.$/);
});

test('a flag whose Beta suffix disagrees with TargetBetaApis: exit 2', () => {
  refused(approot('beta', { TargetApplicationRuntimeVersion: 16, TargetBetaApis: 'Beta2304' }), ['--target-api-set', '16+Beta2311'], 2,
    /--target-api-set "16\+Beta2311" disagrees with its TargetBetaApis "Beta2304"\. Pass --target-api-set 16\+Beta2304/);
});

test('an API set no released OS serves: refused from the flag (exit 2) and from the manifest (exit 1)', () => {
  const plain = approot('plain', { TargetApplicationRuntimeVersion: undefined });
  refused(plain, ['--target-api-set', '17'], 2, /^error: Cannot pack manifest ".*": --target-api-set "17" is not an API set any known Azure Sphere OS serves \(1 to 16\)\. Target one of them, e\.g\. --target-api-set 16\.$/);
  refused(plain, ['--target-api-set', '0'], 2, /--target-api-set "0" is not an API set any known Azure Sphere OS serves/);
  refused(approot('future', { TargetApplicationRuntimeVersion: 99 }), [], 1, /^error: Cannot pack manifest ".*": TargetApplicationRuntimeVersion 99 is not an API set any known Azure Sphere OS serves \(1 to 16\)\./);
});

test('a flag that agrees with the manifest, or a manifest without the field, packs with that API set', () => {
  for (const [name, fields, set] of [['agree', { TargetApplicationRuntimeVersion: 12 }, '12'], ['none', { TargetApplicationRuntimeVersion: undefined }, '14']] as const) {
    const out = join(t.dir, `${name}.imagepackage`);
    const r = sphere(['image', 'pack', approot(name, fields), '--destination', out, '--target-api-set', set], { env });
    assert.is(r.code, 0, r.stderr);
    const show = JSON.parse(sphere(['image', 'show', out, '-o', 'json'], { env }).stdout) as { manifest: Record<string, unknown> };
    assert.is(show.manifest['TargetApplicationRuntimeVersion'], Number(set));
  }
});

test.run();
