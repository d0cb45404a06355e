/**
 * The SDK as `sphere sdk path` writes it (cli/sdk/install.ts; spec applibs.md §4.4): the plan,
 * the versioned folder written once and atomically, the layout CMake and clang expect, from the
 * single executable with no checkout beside it; `sphere sdk check`; the one-line error of
 * `sphere app build` when a tool is missing; the SDK's hardware definitions and their headers.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { copyFileSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { BIN, sphere, tempDir } from '../helpers';
import { ensureSdk, planSdk, presetBinaryDir, readSdkFolder, sdkHome, selfCommand, toolRecord } from '../../cli/sdk/index';
import { resolveHardwareDefinition } from '../../image-builder/manifest/index';

const files = readSdkFolder(resolve('sdk'));

const plan = suite('planSdk');
plan('puts headers and C sources under Sysroots/<set>/usr for every API set, with links to wasi-libc', () => {
  const p = planSdk(files, '1.2.3');
  assert.match(p.name, /^1\.2\.3-[0-9a-f]{12}$/);
  const paths = new Set(p.entries.map((e) => e.path));
  for (const set of p.manifest.apiSets) {
    for (const h of ['applibs/log.h', 'applibs/gpio.h', 'applibs/eventloop.h', 'applibs/storage.h', 'applibs/networking.h', 'applibs/networking_structs_v1.h', 'applibs/application.h', 'applibs/applications.h', 'applibs/powermanagement.h', 'applibs/sysevent.h', 'tlsutils/deviceauth.h', 'tlsutils/deviceauth_curl.h', 'sys/timerfd.h', 'signal.h', 'errno.h']) {
      assert.ok(paths.has(`Sysroots/${set}/usr/include/${h}`), `${set}: ${h}`);
    }
    assert.ok(paths.has(`Sysroots/${set}/usr/src/applibs/eventloop.c`));
    assert.ok(paths.has(`Sysroots/${set}/usr/src/applibs/sphere_host.h`));
    const links = p.entries.filter((e) => e.kind === 'link' && e.path.startsWith(`Sysroots/${set}/`));
    assert.equal(links.map((e) => [e.path, e.kind === 'link' ? e.target : '']), [
      [`Sysroots/${set}/include/wasm32-wasi`, '/usr/include/wasm32-wasi'],
      [`Sysroots/${set}/lib/wasm32-wasi`, '/usr/lib/wasm32-wasi'],
    ]);
  }
  assert.ok(paths.has('CMakeFiles/AzureSphereToolchain.cmake'));
  assert.ok(paths.has('HardwareDefinitions/inc/hw/mt3620_rdb.h'));
  assert.not.ok([...paths].some((x) => x.startsWith('sysroot/')), 'the source folder sysroot/ is not copied as is');
});
plan('names the folder after the content: same files, same name; one byte changed, another name', () => {
  const a = planSdk(files, '1.0.0');
  assert.is(planSdk(files, '1.0.0').name, a.name);
  const changed = new Map(files);
  changed.set('sysroot/include/applibs/log.h', Buffer.concat([Buffer.from(files.get('sysroot/include/applibs/log.h')!), Buffer.from(' ')]));
  assert.is.not(planSdk(changed, '1.0.0').name, a.name);
  assert.is.not(planSdk(files, '1.0.1').name.slice(-12), '');
  assert.is(planSdk(files, '1.0.1').name.slice(-12), a.name.slice(-12));
});

const home = suite('ensureSdk and sdkHome');
home('writes the folder once, leaves no temporary folder, and records the tool', () => {
  const t = tempDir('sphere-sdk-home-');
  try {
    const p = planSdk(files, '9.9.9');
    const first = ensureSdk(p, t.dir, ['/opt/sphere/bin/sphere']);
    assert.is(first.created, true);
    assert.is(first.path, join(t.dir, p.name));
    const second = ensureSdk(p, t.dir, ['/opt/sphere/bin/sphere']);
    assert.is(second.created, false);
    assert.equal(readdirSync(t.dir), [p.name]);
    assert.is(readFileSync(join(first.path, 'CMakeFiles', 'SphereTool.cmake'), 'utf8').includes('set(AZURE_SPHERE_RECORDED_TOOL "/opt/sphere/bin/sphere")'), true);
    ensureSdk(p, t.dir, ['/usr/bin/node', '/x y/sphere.cjs']);
    assert.match(readFileSync(join(first.path, 'CMakeFiles', 'SphereTool.cmake'), 'utf8'), /"\/usr\/bin\/node;\/x y\/sphere\.cjs"/);
  } finally { t.done(); }
});
home('picks $SPHERE_SDK_HOME, then $XDG_CACHE_HOME/sphere/sdk, then ~/.cache/sphere/sdk', () => {
  assert.is(sdkHome({ SPHERE_SDK_HOME: '/a', XDG_CACHE_HOME: '/b', HOME: '/c' }), '/a');
  assert.is(sdkHome({ XDG_CACHE_HOME: '/b', HOME: '/c' }), '/b/sphere/sdk');
  assert.is(sdkHome({ HOME: '/c' }), '/c/.cache/sphere/sdk');
});
home('escapes what CMake would expand and refuses list separators', () => {
  assert.match(toolRecord(['/a/"b"/$x\\y'])!, /"\/a\/\\"b\\"\/\\\$x\\\\y"/);
  assert.is(toolRecord(['/a;b']), undefined);
});

const cli = suite('sphere sdk path / check, app build without tools (dist/sphere)');
cli('sdk path writes the layout from the executable alone (no checkout beside it)', () => {
  const t = tempDir('sphere-sdk-e2e-');
  try {
    mkdirSync(join(t.dir, 'bin'));
    const bin = join(t.dir, 'bin', 'sphere');
    copyFileSync(BIN, bin);
    const env = { HOME: t.dir, XDG_CACHE_HOME: join(t.dir, 'cache'), PATH: process.env['PATH'], NO_COLOR: '1' };
    const r = spawnSync(bin, ['sdk', 'path'], { cwd: t.dir, env, encoding: 'utf8' });
    assert.is(r.status, 0, r.stderr);
    const path = r.stdout.trim();
    assert.match(path, new RegExp(`^${join(t.dir, 'cache', 'sphere', 'sdk')}/\\d+\\.\\d+\\.\\d+-[0-9a-f]{12}$`));
    for (const f of ['CMakeFiles/AzureSphereToolchain.cmake', 'CMakeFiles/AzureSphereToolchainBase.cmake', 'CMakeFiles/AzureSphere.cmake', 'CMakeFiles/AzureSphereInternal.cmake', 'HardwareDefinitions/mt3620.json', 'HardwareDefinitions/mt3620_rdb.json', 'HardwareDefinitions/inc/hw/mt3620.h', 'HardwareDefinitions/inc/hw/mt3620_rdb.h', 'Sysroots/16/usr/include/applibs/eventloop.h', 'Sysroots/16/usr/include/applibs/log.h', 'Sysroots/16/usr/src/applibs/log.c', 'sdk.json']) {
      assert.ok(existsSync(join(path, f)), f);
    }
    assert.equal(readFileSync(join(path, 'Sysroots/16/usr/include/applibs/gpio.h')), readFileSync('sdk/sysroot/include/applibs/gpio.h'));
    assert.ok(lstatSync(join(path, 'Sysroots/16/include/wasm32-wasi')).isSymbolicLink());
    assert.is(readlinkSync(join(path, 'Sysroots/16/lib/wasm32-wasi')), '/usr/lib/wasm32-wasi');
    assert.match(readFileSync(join(path, 'CMakeFiles/SphereTool.cmake'), 'utf8'), new RegExp(`"${bin}"`));
    const again = spawnSync(bin, ['sdk', 'path', '-o', 'json'], { cwd: t.dir, env, encoding: 'utf8' });
    const data = JSON.parse(again.stdout) as { path: string; created: boolean; apiSets: string[] };
    assert.is(data.path, path);
    assert.is(data.created, false);
    assert.ok(data.apiSets.includes('16'));
  } finally { t.done(); }
});
cli('sdk check -o json lists every tool with its Debian package', () => {
  const r = sphere(['sdk', 'check', '-o', 'json']);
  const data = JSON.parse(r.stdout) as { ok: boolean; tools: Array<{ name: string; present: boolean; package: string }> };
  assert.equal(data.tools.map((x) => x.name), ['clang', 'wasm-ld', 'wasi-libc', 'clang-rt-builtins', 'cmake', 'ninja']);
  for (const x of data.tools) assert.match(x.package, /^(clang-\d+|lld-\d+|wasi-libc|libclang-rt-\d+-dev-wasm32|cmake|ninja-build)$/);
  assert.is(r.code, data.ok ? 0 : 1);
  const none = sphere(['sdk', 'check', '-o', 'json'], { env: { PATH: '/nonexistent' } });
  assert.is(none.code, 1);
  const d2 = JSON.parse(none.stdout) as typeof data & { missingPackages: string[] };
  assert.equal(d2.tools.filter((x) => !x.present).map((x) => x.name).filter((n) => n !== 'wasi-libc'), ['clang', 'wasm-ld', 'clang-rt-builtins', 'cmake', 'ninja']);
  assert.ok(d2.missingPackages.includes('clang-14') && d2.missingPackages.includes('ninja-build'));
});
cli('app build stops with one line naming the missing tool and its package (exit 3)', () => {
  const r = sphere(['app', 'build', 'samples/hello'], { env: { PATH: '/nonexistent' } });
  assert.is(r.code, 3, r.stderr);
  assert.is(r.stdout, '');
  assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, /Cannot build project "samples\/hello": clang .* is missing: not on PATH\. Install the Debian package clang-14 \(apt-get install clang-14\)\./);
});

const hw = suite('SDK hardware definitions');
hw('headers are the ones sphere hwdef generate-header makes (hwdef test-header)', () => {
  for (const f of ['mt3620.json', 'mt3620_rdb.json']) {
    const r = sphere(['hwdef', 'test-header', `sdk/HardwareDefinitions/${f}`]);
    assert.is(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /up to date/);
  }
});
hw('hold the facts of the SDK 20.x definitions (names, types, mappings, values), with our own comments', () => {
  for (const f of ['mt3620.json', 'mt3620_rdb.json']) {
    const ours = JSON.parse(readFileSync(`sdk/HardwareDefinitions/${f}`, 'utf8')) as { Imports?: unknown; Peripherals: Array<Record<string, unknown>> };
    const theirs = JSON.parse(readFileSync(`test/fixtures/hardware-definitions/sdk-20.x/${f}`, 'utf8')) as typeof ours;
    const facts = (ps: Array<Record<string, unknown>>) => ps.map(({ Comment: _c, ...rest }) => rest);
    assert.equal(facts(ours.Peripherals), facts(theirs.Peripherals), f);
    assert.equal(ours.Imports, theirs.Imports);
    assert.ok(ours.Peripherals.every((p, i) => p['Comment'] !== theirs.Peripherals[i]!['Comment']), `${f}: comments are our own`);
  }
});
hw('resolve the RDB sample appliance: SAMPLE_LED 8, SAMPLE_BUTTON_1 12, SAMPLE_UART_LOOPBACK "ISU0"', () => {
  const d = resolveHardwareDefinition('sample_appliance.json', { hardwareDefinitionDirs: ['test/fixtures/hardware-definitions/mt3620_rdb', 'sdk/HardwareDefinitions'] });
  assert.ok(d.ok, JSON.stringify(d.diagnostics));
  const value = (n: string) => d.peripherals.get(n)?.value;
  assert.is(value('SAMPLE_LED'), 8);
  assert.is(value('SAMPLE_BUTTON_1'), 12);
  assert.is(value('SAMPLE_UART_LOOPBACK'), 'ISU0');
});

const presets = suite('presetBinaryDir and selfCommand');
presets('follows inherits and expands ${sourceDir}, ${presetName} and $env{}', () => {
  const json = JSON.stringify({ version: 2, configurePresets: [
    { name: 'base', hidden: true, binaryDir: '${sourceDir}/$env{OUTROOT}/${presetName}' },
    { name: 'ARM-Debug', inherits: 'base' },
    { name: 'ARM-Release', inherits: ['ARM-Debug'] },
    { name: 'Plain' },
  ] });
  assert.equal(presetBinaryDir(json, 'ARM-Release', '/src/app', { OUTROOT: 'out' }), { found: true, binaryDir: '/src/app/out/ARM-Release', names: ['ARM-Debug', 'ARM-Release', 'Plain'] });
  assert.equal(presetBinaryDir(json, 'Plain', '/src/app', {}), { found: true, names: ['ARM-Debug', 'ARM-Release', 'Plain'] });
  assert.is(presetBinaryDir(json, 'Nope', '/src/app', {}).found, false);
});
presets('is the executable alone when single, else node with its loaders resolved and the script', () => {
  assert.equal(selfCommand(['/opt/sphere', 'app'], '/opt/sphere', []), ['/opt/sphere']);
  const dev = selfCommand(['node', 'cli/entry.ts'], '/usr/bin/node', ['--import', 'tsx'], resolve('.'));
  assert.is(dev[0], '/usr/bin/node');
  assert.is(dev[1], '--import');
  assert.match(dev[2]!, /^file:\/\/.*node_modules\/tsx\/.+\.mjs$/);
  assert.is(dev[3], resolve('cli/entry.ts'));
});

plan.run();
presets.run();
home.run();
cli.run();
hw.run();
