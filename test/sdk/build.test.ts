/**
 * Building apps with the SDK (spec applibs.md §4): three of Microsoft's samples, unchanged, from
 * a scratch copy of ../shared/fixtures/samples with their own presets and plain cmake; the
 * packages verify, carry the resolved manifest, and hold a module whose imports are only WASI,
 * the applibs host functions of sphere_host.h and env.memory. `sphere app build` on samples/hello
 * reproduces the committed samples/hello/approot/bin/app byte for byte; the test apps build;
 * an unknown API set stops the configure with the valid ones listed. Skipped, saying why,
 * without the C toolchain or ../shared.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BIN, sphere, tempDir } from '../helpers';
import { SHARED_SAMPLES, buildProject, buildTestApp, hostImportNames, moduleFace, samplesMissing, skipped, toolchainMissing } from './helpers';

const t = tempDir('sphere-sdk-build-');
const env: Record<string, string | undefined> = { HOME: t.dir, SPHERE_SDK_HOME: join(t.dir, 'sdk'), SPHERE_CA_DIR: join(t.dir, 'ca') };
let sdk = '';
const HOST = hostImportNames();

function checkModule(wasm: Uint8Array, what: string): void {
  const { imports, exports } = moduleFace(wasm);
  for (const i of imports) {
    const ok = (i.module === 'wasi_snapshot_preview1' && i.kind === 'function') || (i.module === 'applibs' && i.kind === 'function' && HOST.has(i.name)) || (i.module === 'env' && i.name === 'memory' && i.kind === 'memory');
    assert.ok(ok, `${what}: unexpected import ${i.module}.${i.name} (${i.kind})`);
  }
  assert.ok(imports.some((i) => i.module === 'env' && i.name === 'memory' && i.kind === 'memory'), `${what}: memory is imported`);
  assert.ok(exports.some((e) => e.name === '_start' && e.kind === 'function'), `${what}: exports _start`);
  assert.ok(exports.some((e) => e.name === '__indirect_function_table' && e.kind === 'table'), `${what}: exports its function table`);
  assert.not.ok(exports.some((e) => e.kind === 'memory'), `${what}: exports no memory of its own`);
}

/** A dev CA and the SDK in the scratch folder (once, for both suites). */
function setup(): void {
  if (sdk || toolchainMissing()) return;
  assert.is(sphere(['ca', 'init'], { env }).code, 0);
  const p = sphere(['sdk', 'path'], { env });
  assert.is(p.code, 0, p.stderr);
  sdk = p.stdout.trim();
}

const samples = suite('Microsoft samples built unchanged with their presets');
samples.before(() => {
  if (samplesMissing()) return;
  setup();
  cpSync(SHARED_SAMPLES, join(t.dir, 'samples'), { recursive: true });
});

for (const s of [
  { dir: 'Samples/HelloWorld/HelloWorld_HighLevelApp', project: 'HelloWorld_HighLevelApp', gpio: [8] },
  { dir: 'Samples/GPIO/GPIO_HighLevelApp', project: 'GPIO_HighLevelApp', gpio: [12, 8] },
  { dir: 'Samples/MutableStorage', project: 'MutableStorage', gpio: [12, 13, 8] },
]) {
  samples(`${s.project}: cmake --preset ARM-Debug, cmake --build; the package verifies, $SAMPLE_LED is 8, the module's imports are WASI, applibs and env.memory`, () => {
    if (skipped(samplesMissing())) return;
    const cwd = join(t.dir, 'samples', s.dir);
    // No SPHERE_TOOL: the toolchain finds the executable that wrote the SDK.
    const cmakeEnv = { ...process.env, ...env, AzureSphereDefaultSDKDir: sdk } as NodeJS.ProcessEnv;
    delete cmakeEnv['SPHERE_TOOL'];
    for (const args of [['--preset', 'ARM-Debug'], ['--build', 'out/ARM-Debug']]) {
      const r = spawnSync('cmake', args, { cwd, env: cmakeEnv, encoding: 'utf8', timeout: 240_000 });
      assert.is(r.status, 0, `cmake ${args.join(' ')}: ${r.stdout}\n${r.stderr}`);
    }
    const pkg = join(cwd, 'out', 'ARM-Debug', `${s.project}.imagepackage`);
    const v = sphere(['image', 'verify', pkg], { env });
    assert.is(v.code, 0, v.stdout + v.stderr);
    const show = JSON.parse(sphere(['image', 'show', pkg, '-o', 'json'], { env }).stdout) as { manifest: { Capabilities: { Gpio: number[] }; TargetApplicationRuntimeVersion: number } };
    assert.equal(show.manifest.Capabilities.Gpio, s.gpio);
    assert.is(show.manifest.TargetApplicationRuntimeVersion, 16);
    const approot = join(cwd, 'out', 'ARM-Debug', `approot${s.project}`);
    assert.equal(readdirSync(approot).sort(), ['app_manifest.json', 'bin']);
    const wasm = readFileSync(join(approot, 'bin', 'app'));
    checkModule(wasm, s.project);
    assert.not.ok(wasm.includes(Buffer.from(t.dir)), 'no absolute path of the build in the module');
  });
}

const build = suite('sphere app build');
build.before(setup);
build.after(() => t.done());
build('builds samples/hello (ARM-Release) into the committed samples/hello/approot/bin/app bytes, and copies the package to --destination', () => {
  if (skipped(toolchainMissing())) return;
  const clang = spawnSync('clang', ['-dumpversion'], { encoding: 'utf8' }).stdout.trim();
  const dest = join(t.dir, 'hello.imagepackage');
  const { run, built } = buildProject(resolve('samples/hello'), join(t.dir, 'hello-src'), env, ['--preset', 'ARM-Release', '--destination', dest]);
  assert.ok(built, run.stderr);
  assert.is(built!.result['project'], 'HelloSphere');
  assert.is(built!.result['destination'], dest);
  assert.ok(existsSync(dest));
  assert.equal(readFileSync(dest), readFileSync(built!.package));
  checkModule(built!.wasm, 'HelloSphere');
  const approot = join(String(built!.result['buildDir']), 'approotHelloSphere');
  assert.equal(readdirSync(approot).sort(), readdirSync('samples/hello/approot').sort());
  assert.equal(readFileSync(join(approot, 'app_manifest.json')), readFileSync('samples/hello/approot/app_manifest.json'));
  assert.equal(readFileSync(join(approot, 'readme.txt')), readFileSync('samples/hello/approot/readme.txt'));
  if (clang !== '14.0.6') { console.log(`  (byte comparison skipped: the committed module was built with clang 14.0.6, this is ${clang})`); return; }
  assert.ok(Buffer.from(built!.wasm).equals(readFileSync('samples/hello/approot/bin/app')), 'samples/hello/approot/bin/app is what the sources build to (rebuild: sphere app build samples/hello --preset ARM-Release, copy out/ARM-Release/approotHelloSphere)');
});
build('builds every test app of test/fixtures/apps', () => {
  if (skipped(toolchainMissing())) return;
  for (const name of readdirSync('test/fixtures/apps').filter((n) => !n.includes('.'))) {
    const b = buildTestApp(name, join(t.dir, 'apps'), env);
    checkModule(b.wasm, name);
    assert.is(sphere(['image', 'verify', b.package], { env }).code, 0, name);
  }
});
build('stops at configure on an unknown API set, listing the valid ones', () => {
  if (skipped(toolchainMissing())) return;
  const { run } = buildProject(resolve('test/fixtures/apps/exit3'), join(t.dir, 'badset'), env, ['--target-api-set', '99']);
  assert.is(run.code, 1);
  assert.match(run.stderr, /Cannot configure project/);
  // CMake wraps its messages: compare with the white space folded.
  assert.match(run.stderr.replace(/\s+/g, ' '), /Cannot use target API set "99": the SDK has no such set\. Valid sets: 10, 11, 12, 13, 14, 15, 16, latest-lts\./);
});
build('a project folder without CMakeLists.txt is not found (exit 3)', () => {
  const r = sphere(['app', 'build', t.dir], { env });
  if (toolchainMissing()) { assert.is(r.code, 3); return; }
  assert.is(r.code, 3, r.stderr);
  assert.match(r.stderr, /has no CMakeLists\.txt/);
  void BIN;
});

samples.run();
build.run();
