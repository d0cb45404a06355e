import { rng } from '../../helpers';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkManifest, CODES, formatDiagnostic, type ManifestCheck } from '../../../image-builder/manifest/index';
import { INVALID, rdb, VALID } from './_fixtures';


const seeds = [
  ...readdirSync(VALID).map((f) => readFileSync(join(VALID, f))),
  ...readdirSync(INVALID).filter((f) => f.endsWith('.json') && f !== 'expected.json' && !f.startsWith('json-too-deep')).map((f) => readFileSync(join(INVALID, f))),
];
const TOKENS = ['{', '}', '[', ']', ',', ':', '"', '\\', 'true', 'null', '-1', '1e999', '"$SAMPLE_LED"', '"ISU0"', '"Gpio"', '"Capabilities"', '\u0000', '\ufeff', '"\\ud800"', '__proto__', '   ', '\n'];
const VALUES: unknown[] = [null, true, false, 0, -1, 8, 80, 65536, 1.5, '', 'ISU1', '$SAMPLE_BUTTON_1', '$NOPE', 'PWM-CONTROLLER-0', 'ADC-CONTROLLER-0', '*.example.com', [], {}, [8, 8], { SizeKB: 'x' }, ['ForceReboot', 'Nope']];
const KEYS = ['Gpio', 'Uart', 'Pwm', 'Adc', 'I2cMaster', 'SpiMaster', 'MutableStorage', 'PowerControls', 'AllowedConnections', 'AllowedTcpServerPorts', 'DeviceAuthentication', 'ApplicationType', 'ExternalInterrupt', 'I2sSubordinate', 'Name', '__proto__', 'Debug'];

function mutateBytes(src: Uint8Array, r: () => number): Uint8Array {
  const b = Array.from(src);
  const n = 1 + Math.floor(r() * 4);
  for (let k = 0; k < n; k++) {
    const at = Math.floor(r() * (b.length + 1));
    switch (Math.floor(r() * 6)) {
      case 0: b[at] = Math.floor(r() * 256); break;
      case 1: b.splice(at, 1 + Math.floor(r() * 8)); break;
      case 2: b.splice(at, 0, ...Buffer.from(TOKENS[Math.floor(r() * TOKENS.length)]!)); break;
      case 3: b.length = at; break;
      case 4: { const from = Math.floor(r() * b.length); b.splice(at, 0, ...b.slice(from, from + Math.floor(r() * 40))); break; }
      default: b.splice(at, 0, ...Array.from({ length: 1 + Math.floor(r() * 3) }, () => 0x80 + Math.floor(r() * 128)));
    }
  }
  return Uint8Array.from(b);
}

function mutateTree(src: Uint8Array, r: () => number): string | undefined {
  let json: unknown;
  try { json = JSON.parse(Buffer.from(src).toString('utf8')); } catch { return undefined; }
  if (json === null || typeof json !== 'object') return undefined;
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  for (let k = 0; k < 1 + Math.floor(r() * 3); k++) {
    const obj = json as Record<string, unknown>;
    const caps = (obj['Capabilities'] !== null && typeof obj['Capabilities'] === 'object' && !Array.isArray(obj['Capabilities']) ? obj['Capabilities'] : obj) as Record<string, unknown>;
    const target = r() < 0.7 ? caps : obj;
    const key = pick(KEYS);
    if (r() < 0.2) delete target[pick(Object.keys(target).concat(key))];
    else if (r() < 0.5 && Object.hasOwn(target, key) && Array.isArray(target[key])) (target[key] as unknown[]).push(pick(VALUES));
    else Object.defineProperty(target, key, { value: r() < 0.5 ? pick(VALUES) : [pick(VALUES), pick(VALUES)], enumerable: true, writable: true, configurable: true });
  }
  return JSON.stringify(json, null, r() < 0.5 ? 2 : undefined);
}

function assertWellFormed(r: ManifestCheck, label: string): void {
  assert.type(r.ok, 'boolean', label);
  let errors = 0;
  for (const d of r.diagnostics) {
    assert.ok(d.code in CODES, `${label}: unknown code ${d.code}`);
    assert.is(d.severity, CODES[d.code as keyof typeof CODES], `${label}: ${d.code} severity`);
    assert.ok(d.pointer === '' || d.pointer.startsWith('/'), `${label}: pointer ${d.pointer}`);
    if (d.line !== undefined) assert.ok(d.line >= 1 && d.column! >= 1, `${label}: position`);
    assert.ok(d.message.startsWith('Cannot ') && !d.message.includes('\n'), `${label}: ${d.message}`);
    assert.ok(!formatDiagnostic(d).includes('\n'));
    if (d.severity === 'error') errors++;
  }
  assert.is(r.ok, errors === 0, `${label}: ok`);
}

test('4,000 byte-level mutations only ever yield diagnostics', () => {
  const r = rng(0x5eed);
  const t0 = performance.now();
  for (let i = 0; i < 4000; i++) {
    const input = mutateBytes(seeds[i % seeds.length]!, r);
    let result: ManifestCheck;
    try {
      result = checkManifest(input, { path: 'fuzz.json', hardwareDefinition: rdb() });
    } catch (e) {
      throw new Error(`mutation ${i} threw: ${(e as Error).stack}\ninput: ${JSON.stringify(Buffer.from(input).toString('latin1'))}`);
    }
    assertWellFormed(result, `mutation ${i}`);
  }
  assert.ok(performance.now() - t0 < 10000);
});

test('4,000 structural mutations only ever yield diagnostics, and keep what JSON.parse reads', () => {
  const r = rng(0xc0ffee);
  let compared = 0;
  for (let i = 0; i < 4000; i++) {
    const text = mutateTree(seeds[i % seeds.length]!, r);
    if (text === undefined) continue;
    let result: ManifestCheck;
    try {
      result = checkManifest(text);
    } catch (e) {
      throw new Error(`mutation ${i} threw: ${(e as Error).stack}\ninput: ${text}`);
    }
    assertWellFormed(result, `tree ${i}`);
    // Without a hardware definition nothing is substituted: the manifest is the document itself.
    if (result.manifest !== undefined) {
      assert.equal(result.manifest, JSON.parse(text), `tree ${i}`);
      compared++;
    }
  }
  assert.ok(compared > 3000, `${compared} compared`);
});

test('nothing leaked into shared prototypes', () => {
  assert.equal(Object.keys(Object.prototype), []);
  assert.equal(Object.keys(Array.prototype), []);
});

test.run();
