/**
 * Start-up cost of the command table: every module `cli/main.ts` reaches through static imports is
 * initialised by every command (`sphere --help`, `sphere image show …`), so the device, emulator
 * and signing libraries must be loaded inside the actions instead. esbuild (the bundler of
 * dist/sphere) reports the static import graph; the test walks it from cli/main.ts.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { build } from 'esbuild';

test('cli/main.ts reaches no library beyond error classes and format constants through static imports', async () => {
  const r = await build({ entryPoints: ['cli/main.ts'], bundle: true, platform: 'node', format: 'esm', write: false, metafile: true, outdir: 'dist/.startup-graph', logLevel: 'silent' });
  const inputs = r.metafile.inputs;
  const reached = new Set<string>();
  const stack = ['cli/main.ts'];
  while (stack.length) {
    const f = stack.pop()!;
    if (reached.has(f)) continue;
    reached.add(f);
    for (const i of inputs[f]?.imports ?? []) if (i.kind === 'import-statement' && !i.external) stack.push(i.path);
  }
  assert.ok(reached.has('cli/commands/emulator.ts') && reached.has('cli/commands/device-enable.ts'), 'the command table itself is reached');
  const dynamic = Object.values(inputs).some((x) => x.imports.some((i) => i.kind === 'dynamic-import' && i.path === 'emulator/index.ts'));
  assert.ok(dynamic, 'the emulator library is imported dynamically somewhere');
  const heavy = [...reached].filter((f) => /^(emulator|sideload|signer)\//.test(f) || (f.startsWith('image-builder/') && !/^image-builder\/(errors|format)\.ts$/.test(f)) || f.includes('@noble') || f === 'cli/signing.ts');
  assert.equal(heavy, [], 'loaded at start-up by every command');
});

test.run();
