/**
 * Build step: produces V8's code cache for the bundle after running the everyday commands in one
 * process, so the executable starts them with their functions already compiled (cli/sea-loader.ts).
 *
 *   node scripts/warm.mjs dist/sphere.cjs dist/sphere.cache
 *
 * Everything happens in a temporary folder: its own development CA, the sample app packed there, an
 * emulator of its own (started with `node <bundle> emulator start --detach`, stopped at the end),
 * nothing of the user's touched. A command that fails only means less is cached; the cache is
 * written whatever happens, and the build reports how many commands ran cleanly.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, renameSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { Script } from 'node:vm';

const [bundle, out] = process.argv.slice(2).map((p) => resolve(p));
const work = mkdtempSync(join(tmpdir(), 'sphere-warm-'));
const env = {
  PATH: process.env.PATH ?? '', HOME: work, NO_COLOR: '1', SPHERE_CA_DIR: join(work, 'ca'),
  SPHERE_EMULATOR_HOME: join(work, 'emu'), SPHERE_DEVICE_ADDRESSES: '', SOURCE_DATE_EPOCH: '1735689600',
};
const bundleRun = (args) => spawnSync(process.execPath, [bundle, ...args], { env, stdio: 'ignore', timeout: 30_000 });

// The same wrapper as cli/sea-loader.ts, byte for byte.
const source = '(function (exports, require, module, __filename, __dirname) {' + readFileSync(bundle, 'utf8') + '\n})';
const script = new Script(source, { filename: 'sphere.cjs' });
globalThis.__SPHERE_WARMUP__ = true;
const mod = { exports: {} };
script.runInThisContext()(mod.exports, createRequire(bundle), mod, 'sphere.cjs', '.');
const { run } = mod.exports;

const pkg = join(work, 'hello.imagepackage');
const cid = JSON.parse(readFileSync('samples/hello/approot/app_manifest.json', 'utf8')).ComponentId;
const offline = [
  ['--help'], ['image', '--help'], ['device', '--help'], ['device', 'sideload', 'deploy', '--help'],
  ['ca', 'init'], ['ca', 'show'],
  ['manifest', 'check', 'samples/hello/approot/app_manifest.json'],
  ['image', 'pack', 'samples/hello/approot', '--destination', pkg],
  ['image', 'show', pkg], ['image', 'show', pkg, '-o', 'json'], ['image', 'verify', pkg], ['image', 'verify', pkg, '-o', 'json'],
  ['emulator', 'list'], ['emulator', 'list', '-o', 'json'],
];
const online = [
  ['device', 'list-attached'], ['device', 'show-attached'], ['device', 'show-attached', '-o', 'json'],
  ['device', 'show-security-state'], ['device', 'show-os-version'], ['device', 'show-deployment-status'],
  ['device', 'sideload', 'deploy', pkg], ['device', 'sideload', 'deploy', pkg, '--force'], ['device', 'sideload', 'deploy', pkg, '--force', '-o', 'json'],
  ['device', 'sideload', 'deploy', pkg, '--manual-start', '--force'],
  ['device', 'app', 'show-status', '-i', cid], ['device', 'app', 'start', '-i', cid], ['device', 'app', 'stop', '-i', cid],
  ['device', 'image', 'list-installed'], ['device', 'image', 'list-installed', '-o', 'json'],
  ['device', 'capability', 'show-attached'], ['device', 'sideload', 'delete', '-i', cid],
];

// Commands read the environment and print; keep both to this run.
const saved = { env: process.env, write: process.stdout.write, errWrite: process.stderr.write, cwd: process.cwd() };
let ok = 0;
let failed = 0;
async function runAll(list) {
  for (const args of list) {
    try {
      const code = await run(['node', 'sphere', ...args]);
      if (code === 0) ok++; else failed++;
    } catch {
      failed++;
    }
  }
}
try {
  process.env = { ...env };
  process.stdout.write = () => true;
  process.stderr.write = () => true;
  await runAll(offline);
  const started = bundleRun(['emulator', 'start', '--detach', '--name', 'warm', '--capabilities', 'appDevelopment']);
  // Even if this process dies on the way, the emulator it started does not outlive it.
  const stop = () => { bundleRun(['emulator', 'stop', '--name', 'warm']); };
  process.once('exit', stop);
  if (started.status === 0) {
    try { await runAll(online); } finally { process.off('exit', stop); stop(); }
  } else {
    failed += online.length;
  }
} finally {
  process.env = saved.env;
  process.stdout.write = saved.write;
  process.stderr.write = saved.errWrite;
  process.exitCode = 0;
  rmSync(work, { recursive: true, force: true });
}
const tmp = `${out}.tmp`;
writeFileSync(tmp, script.createCachedData());
renameSync(tmp, out);
process.stderr.write(`warm-up: ${ok} commands ran, ${failed} failed; code cache ${out}\n`);
