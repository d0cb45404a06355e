import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkManifest, createManifest, formatDiagnostic } from '../../../image-builder/manifest/index';
import { rdb, VALID } from './_fixtures';

const files = readdirSync(VALID).sort();
// Code snippets show only the Capabilities to add to an app's manifest; they are checked inside the
// HelloWorld sample's manifest, which is what a user does with them.
const isSnippet = (f: string) => f.startsWith('CodeSnippets--');
const base = JSON.parse(readFileSync(join(VALID, 'Samples--HelloWorld--HelloWorld_HighLevelApp.app_manifest.json'), 'utf8')) as Record<string, unknown>;

function check(file: string) {
  const source = readFileSync(join(VALID, file), 'utf8');
  const text = isSnippet(file) ? JSON.stringify({ ...base, Capabilities: (JSON.parse(source) as { Capabilities: unknown }).Capabilities }, null, 2) : source;
  return checkManifest(text, { path: file, ...(text.includes('"$') ? { hardwareDefinition: rdb() } : {}) });
}

test('there are 22 sample manifests, 5 of them snippets', () => {
  assert.is(files.length, 22);
  assert.is(files.filter(isSnippet).length, 5);
});

for (const file of files) {
  test(`${file} passes with no error`, () => {
    const r = check(file);
    const errors = r.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);
    assert.equal(errors, []);
    assert.ok(r.ok);
    assert.ok(r.manifest !== undefined);
  });
}

test('only the expected warnings: the 37-byte RTApp name and the all-zero tenant placeholder', () => {
  const warnings = files.flatMap((f) => check(f).diagnostics.map((d) => `${f} ${d.code}`));
  assert.equal(warnings, [
    'CodeSnippets--DeviceId.app_manifest.json DEVICE_AUTH_PLACEHOLDER',
    'Samples--IntercoreComms--IntercoreComms_RTApp_MT3620_BareMetal.app_manifest.json NAME_TRUNCATED',
    'Samples--LoggingToAzure.app_manifest.json DEVICE_AUTH_PLACEHOLDER',
  ]);
});

test('a bare snippet lacks only the required fields', () => {
  for (const f of files.filter(isSnippet)) {
    const r = checkManifest(readFileSync(join(VALID, f)), { hardwareDefinition: rdb() });
    const errors = r.diagnostics.filter((d) => d.severity === 'error');
    assert.equal([...new Set(errors.map((d) => d.code))], ['FIELD_MISSING'], f);
    assert.equal(errors.map((d) => d.pointer), ['/SchemaVersion', '/Name', '/ComponentId', '/EntryPoint', '/CmdArgs', '/ApplicationType'], f);
  }
});

test('a bare snippet checked as a snippet (manifest check) gives one MANIFEST_SNIPPET warning and no error', () => {
  for (const f of files.filter(isSnippet)) {
    const r = checkManifest(readFileSync(join(VALID, f)), { hardwareDefinition: rdb(), allowSnippet: true });
    assert.equal(r.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic), [], f);
    assert.ok(r.diagnostics.some((d) => d.code === 'MANIFEST_SNIPPET'), f);
    assert.ok(r.ok, f);
  }
  // A full manifest is never treated as a snippet, and the packer never allows one.
  const full = checkManifest(JSON.stringify({ Capabilities: {}, Name: 'x' }), { allowSnippet: true });
  assert.ok(full.diagnostics.some((d) => d.code === 'FIELD_MISSING'));
});

test('$NAME references resolve to the values the RDB definitions state (spec §6.2–6.4)', () => {
  const caps = (f: string) => check(f).manifest!['Capabilities'];
  assert.equal(caps('Samples--HelloWorld--HelloWorld_HighLevelApp.app_manifest.json'), { Gpio: [8] });
  assert.equal(caps('Samples--DHCP.app_manifest.json'), { NetworkConfig: true, Gpio: [12, 13, 15, 17, 16] });
  assert.equal(caps('Samples--ADC--ADC_HighLevelApp.app_manifest.json'), { Adc: ['ADC-CONTROLLER-0'] });
  assert.equal(caps('Samples--PWM--PWM_HighLevelApp.app_manifest.json'), { AllowedConnections: [], Pwm: ['PWM-CONTROLLER-2'], Uart: [], WifiConfig: false });
  assert.equal(caps('Samples--I2C--I2C_LSM6DS3_HighLevelApp.app_manifest.json'), { I2cMaster: ['ISU2'] });
  assert.equal(caps('Samples--ExternalMcuUpdate--AzureSphere_HighLevelApp.app_manifest.json'), { Gpio: [5, 44, 12], Uart: ['ISU0'] });
  assert.equal(caps('Samples--DeferredUpdate--DeferredUpdate_HighLevelApp.app_manifest.json'), {
    Gpio: [12, 15, 16, 17, 20], SystemEventNotifications: true, SoftwareUpdateDeferral: true,
  });
});

test('the returned manifest keeps the source key order and every value', () => {
  for (const f of files.filter((x) => !isSnippet(x))) {
    const source = JSON.parse(readFileSync(join(VALID, f), 'utf8')) as Record<string, unknown>;
    const m = check(f).manifest!;
    assert.equal(Object.keys(m), Object.keys(source), f);
    const { Capabilities: _a, ...rest } = m;
    const { Capabilities: _b, ...sourceRest } = source;
    assert.equal(rest, sourceRest, f);
  }
});

test('application type is reported for the packer', () => {
  assert.is(check('Samples--IntercoreComms--IntercoreComms_RTApp_MT3620_BareMetal.app_manifest.json').applicationType, 'RealTimeCapable');
  assert.is(check('Samples--DHCP.app_manifest.json').applicationType, 'Default');
});

test('createManifest writes a manifest that passes with no diagnostic, with a fresh GUID', () => {
  const a = createManifest({ name: 'Blink' });
  const b = createManifest({ name: 'Blink' });
  assert.equal(checkManifest(a).diagnostics, []);
  assert.is.not(JSON.parse(a).ComponentId, JSON.parse(b).ComponentId);
  assert.match(JSON.parse(a).ComponentId, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  const rt = createManifest({ name: 'Rt', applicationType: 'RealTimeCapable', randomUUID: () => '005180bc-402f-4cb3-a662-72937dbcde47' });
  const r = checkManifest(rt);
  assert.equal(r.diagnostics, []);
  assert.is(r.applicationType, 'RealTimeCapable');
  assert.equal(Object.keys(JSON.parse(rt)), ['SchemaVersion', 'Name', 'ComponentId', 'EntryPoint', 'Capabilities', 'ApplicationType', 'MallocVersion']);
  assert.is(JSON.parse(rt).ComponentId, '005180bc-402f-4cb3-a662-72937dbcde47');
});

test.run();
