/**
 * End-to-end: `sphere manifest check|init` and `sphere hwdef generate-header|test-header`, run from
 * the built binary against the fixture manifests and hardware definitions.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES, sphere, tempDir } from '../helpers';

const VALID = join(FIXTURES, 'manifests/valid');
const INVALID = join(FIXTURES, 'manifests/invalid');
const HW = join(FIXTURES, 'hardware-definitions');
const RDB = ['--hardware-definitions', join(HW, 'mt3620_rdb'), '--hardware-definitions', join(HW, 'sdk-20.x'), '--target-definition', 'sample_appliance.json'];

const check = suite('manifest check');

check('a sample with $NAMEs passes against the RDB definitions: exit 0, one summary line', () => {
  const r = sphere(['manifest', 'check', join(VALID, 'Samples--DHCP.app_manifest.json'), ...RDB]);
  assert.is(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /^\S+Samples--DHCP\.app_manifest\.json: valid high-level app manifest\n$/);
  assert.is(r.stderr, '');
});

check('every shared sample manifest, snippets included, passes manifest check with no error', () => {
  for (const f of readdirSync(VALID)) {
    const text = readFileSync(join(VALID, f), 'utf8');
    const r = sphere(['manifest', 'check', join(VALID, f), '-o', 'json', ...(text.includes('"$') ? RDB : [])]);
    assert.is(r.code, 0, `${f}: ${r.stdout}${r.stderr}`);
    const d = JSON.parse(r.stdout);
    assert.is(d.errors, 0, f);
    if (f.startsWith('CodeSnippets--')) assert.ok(d.diagnostics.some((x: { code: string }) => x.code === 'MANIFEST_SNIPPET'), f);
  }
});

check('without the definitions the same sample fails, naming each reference', () => {
  const r = sphere(['manifest', 'check', join(VALID, 'Samples--DHCP.app_manifest.json')]);
  assert.is(r.code, 1);
  const lines = r.stdout.trim().split('\n');
  assert.is(lines.length, 6);
  assert.match(lines[0]!, /app_manifest\.json:10:7: error HWDEF_REQUIRED \/Capabilities\/Gpio\/0: Cannot resolve "\$SAMPLE_BUTTON_1": .* \(device error 2\.10\)$/);
  assert.match(lines[5]!, /: 5 errors, 0 warnings$/);
});

check('an invalid manifest prints the diagnostic line and exits 1', () => {
  const r = sphere(['manifest', 'check', join(INVALID, 'pin-isu-i2c-and-spi.json')]);
  assert.is(r.code, 1);
  assert.match(r.stdout, /pin-isu-i2c-and-spi\.json:12:7: error PIN_CONFLICT \/Capabilities\/SpiMaster\/0: Cannot use ISU1 as SpiMaster: .* \(device error 2\.35\)\n/);
  assert.match(r.stdout, /: 1 error, 0 warnings\n$/);
});

check('-o json gives the diagnostics as data', () => {
  const r = sphere(['manifest', 'check', join(INVALID, 'gpio-unknown.json'), '-o', 'json']);
  assert.is(r.code, 1);
  const data = JSON.parse(r.stdout) as { ok: boolean; errors: number; diagnostics: Array<Record<string, unknown>> };
  assert.equal([data.ok, data.errors, data.diagnostics.length], [false, 1, 1]);
  assert.equal(
    { code: data.diagnostics[0]!['code'], pointer: data.diagnostics[0]!['pointer'], line: data.diagnostics[0]!['line'], column: data.diagnostics[0]!['column'], deviceError: data.diagnostics[0]!['deviceError'] },
    { code: 'GPIO_UNKNOWN', pointer: '/Capabilities/Gpio/0', line: 9, column: 7, deviceError: '5.3' },
  );
});

check('warnings pass, and fail with --strict', () => {
  const file = join(INVALID, 'name-too-long.json');
  const plain = sphere(['manifest', 'check', file]);
  assert.is(plain.code, 0);
  assert.match(plain.stdout, /warning NAME_TRUNCATED \/Name: /);
  const strict = sphere(['manifest', 'check', file, '--strict']);
  assert.is(strict.code, 1);
  assert.match(strict.stdout, /0 errors, 1 warning \(--strict fails on warnings\)\n$/);
});

check('checks ./app_manifest.json by default; a missing file is exit 3 with one line', () => {
  const t = tempDir();
  try {
    copyFileSync(join(VALID, 'Samples--PrivateNetworkServices.app_manifest.json'), join(t.dir, 'app_manifest.json'));
    const r = sphere(['manifest', 'check'], { cwd: t.dir });
    assert.is(r.code, 0, r.stdout);
    assert.is(r.stdout, 'app_manifest.json: valid high-level app manifest\n');
    const missing = sphere(['manifest', 'check', 'nope.json'], { cwd: t.dir });
    assert.is(missing.code, 3);
    assert.is(missing.stdout, '');
    assert.is(missing.stderr.trim().split('\n').length, 1);
    assert.match(missing.stderr, /Cannot read app manifest ".*nope\.json": the file does not exist\./);
  } finally {
    t.done();
  }
});

check('an Imports cycle is reported with its file and line', () => {
  const t = tempDir();
  try {
    writeFileSync(join(t.dir, 'app_manifest.json'), readFileSync(join(VALID, 'Samples--HelloWorld--HelloWorld_HighLevelApp.app_manifest.json'), 'utf8').replace('$SAMPLE_LED', '$CYCLE_A_LED'));
    const r = sphere(['manifest', 'check', '--hardware-definitions', join(HW, 'cycle'), '--target-definition', 'a.json'], { cwd: t.dir, timeout: 10_000 });
    assert.is(r.code, 1);
    assert.match(r.stdout, /cycle\/b\.json:4:28: error HWDEF_IMPORT_CYCLE \/Imports\/0\/Path: Cannot import "a\.json": it closes an import cycle \(a\.json → b\.json → a\.json\)\./);
  } finally {
    t.done();
  }
});

check('a 50 MB manifest ends quickly in one clear error', () => {
  const t = tempDir();
  try {
    const file = join(t.dir, 'app_manifest.json');
    writeFileSync(file, Buffer.alloc(50 * 1024 * 1024, 0x20));
    const t0 = Date.now();
    const r = sphere(['manifest', 'check', file], { timeout: 10_000 });
    assert.is(r.code, 1);
    assert.match(r.stdout, /error MANIFEST_TOO_LARGE: Cannot read app manifest ".*": it is 50\.0 MiB, more than the 1\.0 MiB accepted\./);
    assert.ok(Date.now() - t0 < 5000);
  } finally {
    t.done();
  }
});

const init = suite('manifest init');

init('writes a valid manifest with a fresh ComponentId, refuses to overwrite without --force', () => {
  const t = tempDir();
  try {
    const dir = join(t.dir, 'Blink App');
    const r = sphere(['manifest', 'init', dir]);
    assert.is(r.code, 0, r.stderr);
    const file = join(dir, 'app_manifest.json');
    const m = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    assert.is(m['Name'], 'Blink_App');
    assert.match(String(m['ComponentId']), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.is(sphere(['manifest', 'check', file]).code, 0);
    const again = sphere(['manifest', 'init', dir]);
    assert.is(again.code, 2);
    assert.match(again.stderr, /already exists\. Pass --force/);
    const rt = sphere(['manifest', 'init', dir, '--force', '--name', 'Rt', '--application-type', 'RealTimeCapable', '-o', 'json']);
    assert.is(rt.code, 0, rt.stderr);
    const data = JSON.parse(rt.stdout) as Record<string, unknown>;
    assert.is.not(data['componentId'], m['ComponentId']);
    assert.is(JSON.parse(readFileSync(file, 'utf8')).ApplicationType, 'RealTimeCapable');
    assert.is(sphere(['manifest', 'init', join(t.dir, 'x'), '--application-type', 'Debugger']).code, 2);
  } finally {
    t.done();
  }
});

const hwdef = suite('hwdef headers');

hwdef('generate-header writes inc/hw/<name>.h beside the definition; test-header detects staleness', () => {
  const t = tempDir();
  try {
    const def = join(t.dir, 'sample_appliance.json');
    copyFileSync(join(HW, 'mt3620_rdb/sample_appliance.json'), def);
    const g = sphere(['hwdef', 'generate-header', def]);
    assert.is(g.code, 0, g.stderr);
    const header = join(t.dir, 'inc/hw/sample_appliance.h');
    assert.ok(existsSync(header));
    const text = readFileSync(header, 'utf8');
    assert.match(text, /\n\/\/ MT3620 RDB: Button A\n#define SAMPLE_BUTTON_1 MT3620_RDB_BUTTON_A\n/);
    assert.match(text, /\n#include "mt3620_rdb\.h"\n/);
    assert.is(sphere(['hwdef', 'test-header', def]).code, 0);
    writeFileSync(header, text.replace('#define SAMPLE_LED MT3620_RDB_LED1_RED', '#define SAMPLE_LED MT3620_RDB_LED1_BLUE'));
    const stale = sphere(['hwdef', 'test-header', def]);
    assert.is(stale.code, 1);
    assert.match(stale.stdout, /out of date .*\n {2}#define SAMPLE_LED is MT3620_RDB_LED1_BLUE, expected MT3620_RDB_LED1_RED\n/);
    const json = sphere(['hwdef', 'test-header', def, '--output', 'json']);
    assert.is(json.code, 1);
    assert.equal(JSON.parse(json.stdout).changed, [{ name: 'SAMPLE_LED', expected: 'MT3620_RDB_LED1_RED', actual: 'MT3620_RDB_LED1_BLUE' }]);
  } finally {
    t.done();
  }
});

hwdef('generate-header refuses an Imports cycle as manifest check does, and writes nothing', () => {
  const t = tempDir();
  try {
    const meta = { Type: 'Azure Sphere Hardware Definition', Version: 1 };
    writeFileSync(join(t.dir, 'a.json'), JSON.stringify({ Metadata: meta, Imports: [{ Path: 'b.json' }], Peripherals: [] }));
    writeFileSync(join(t.dir, 'b.json'), JSON.stringify({ Metadata: meta, Imports: [{ Path: 'a.json' }], Peripherals: [] }));
    const g = sphere(['hwdef', 'generate-header', join(t.dir, 'a.json')]);
    assert.is(g.code, 1, g.stderr);
    assert.is(g.stderr.trim().split('\n').length, 1, g.stderr);
    assert.match(g.stderr, /HWDEF_IMPORT_CYCLE .*it closes an import cycle \(a\.json → b\.json → a\.json\)/);
    assert.not.ok(existsSync(join(t.dir, 'inc')), 'no header written');
  } finally {
    t.done();
  }
});

hwdef('--destination names the header folder; a missing header is stale; a broken definition is one error line', () => {
  const t = tempDir();
  try {
    const out = join(t.dir, 'headers');
    const def = join(HW, 'sdk-20.x/mt3620.json');
    assert.is(sphere(['hwdef', 'test-header', def, '--destination', out]).code, 1);
    const g = sphere(['hwdef', 'generate-header', def, '--destination', out]);
    assert.is(g.code, 0, g.stderr);
    assert.ok(existsSync(join(out, 'mt3620.h')));
    assert.is(sphere(['hwdef', 'test-header', def, '--destination', out]).code, 0);
    mkdirSync(join(t.dir, 'bad'));
    writeFileSync(join(t.dir, 'bad/x.json'), '{"Metadata": {"Type": "Azure Sphere Hardware Definition", "Version": 1}, "Peripherals": [{"Name": "A B", "Type": "Gpio", "MainCoreHeaderValue": "(1)"}]}');
    const bad = sphere(['hwdef', 'generate-header', join(t.dir, 'bad/x.json')]);
    assert.is(bad.code, 1);
    assert.is(bad.stdout, '');
    assert.match(bad.stderr, /HWDEF_INVALID \/Peripherals\/0\/Name: Cannot use hardware definition/);
    assert.is(bad.stderr.trim().split('\n').length, 1);
  } finally {
    t.done();
  }
});

check.run();
init.run();
hwdef.run();
