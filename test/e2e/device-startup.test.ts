/**
 * Start-up cost of the command table: every module `cli/main.ts` reaches through static imports is
 * initialised by every command (`sphere --help`, `sphere image show …`), so the device, emulator
 * and signing libraries must be loaded inside the actions instead. esbuild (the bundler of
 * dist/sphere) reports the static import graph; the test walks it from cli/main.ts. Likewise the
 * device client's face (sideload/index.ts) leaves the package reader and the signer to
 * `deployment()`. And the executable must find the code cache its build made (cli/sea-loader.ts).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { BIN } from '../helpers';

/** Every file `entry` reaches through static imports, and esbuild's view of all inputs. */
async function staticGraph(entry: string) {
  const r = await build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', write: false, metafile: true, outdir: 'dist/.startup-graph', logLevel: 'silent' });
  const inputs = r.metafile.inputs;
  const reached = new Set<string>();
  const stack = [entry];
  while (stack.length) {
    const f = stack.pop()!;
    if (reached.has(f)) continue;
    reached.add(f);
    for (const i of inputs[f]?.imports ?? []) if (i.kind === 'import-statement' && !i.external) stack.push(i.path);
  }
  return { inputs, reached };
}

test('cli/main.ts reaches no library beyond error classes and format constants through static imports', async () => {
  const { inputs, reached } = await staticGraph('cli/main.ts');
  assert.ok(reached.has('cli/commands/emulator.ts') && reached.has('cli/commands/device-enable.ts'), 'the command table itself is reached');
  const dynamic = Object.values(inputs).some((x) => x.imports.some((i) => i.kind === 'dynamic-import' && i.path === 'emulator/index.ts'));
  assert.ok(dynamic, 'the emulator library is imported dynamically somewhere');
  const heavy = [...reached].filter((f) => /^(emulator|sideload|signer)\//.test(f) || (f.startsWith('image-builder/') && !/^image-builder\/(errors|format)\.ts$/.test(f)) || f.includes('@noble') || f === 'cli/signing.ts');
  assert.equal(heavy, [], 'loaded at start-up by every command');
});

test('sideload/index.ts reaches neither the package reader nor the signer: only deployment() loads them', async () => {
  const { reached } = await staticGraph('sideload/index.ts');
  assert.ok(reached.has('sideload/transport.ts') && reached.has('sideload/device-info.ts'), 'the client itself is reached');
  assert.ok(!reached.has('sideload/deploy-plan.ts'), 'the planner is not');
  const heavy = [...reached].filter((f) => f.startsWith('signer/') || f.includes('@noble') || (f.startsWith('image-builder/') && !/^image-builder\/(errors|format)\.ts$/.test(f)));
  assert.equal(heavy, []);
});

test('the executable compiles its bundle from the code cache the build made', () => {
  const r = spawnSync(BIN, ['--help'], { env: { ...process.env, SPHERE_CODE_CACHE: 'report' }, encoding: 'utf8' });
  assert.is(r.status, 0);
  assert.match(r.stderr, /^code cache: accepted$/m);
  const v = spawnSync(BIN, ['--version'], { encoding: 'utf8' });
  assert.is(v.stdout, `${JSON.parse(readFileSync('package.json', 'utf8')).version}\n`);
  assert.is(v.stderr, '');
});

test.run();
