import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkManifest, resolveHardwareDefinition, MAX_DIAGNOSTICS } from '../../../image-builder/manifest/index';
import { rdb } from './_fixtures';

const HEAD = '{"SchemaVersion":1,"Name":"H","ComponentId":"1689d8b2-c835-2e27-27ad-e894d6d15fa9","EntryPoint":"/bin/app","CmdArgs":[],"ApplicationType":"Default","Capabilities":';

/** Runs a check, asserting it ends within a second without throwing. */
function timed(source: string | Uint8Array, options: Parameters<typeof checkManifest>[1] = {}) {
  const t0 = performance.now();
  const r = checkManifest(source, options);
  const ms = performance.now() - t0;
  assert.ok(ms < 1000, `${ms.toFixed(0)} ms`);
  return r;
}
const codes = (r: ReturnType<typeof checkManifest>) => r.diagnostics.map((d) => d.code);

test('a 50 MB manifest is refused unread', () => {
  const big = new Uint8Array(50 * 1024 * 1024).fill(0x20);
  big.set(Buffer.from(HEAD + '{}'), 0);
  big[big.length - 1] = 0x7d;
  const r = timed(big, { path: 'big.json' });
  assert.equal(codes(r), ['MANIFEST_TOO_LARGE']);
  assert.match(r.diagnostics[0]!.message, /^Cannot read app manifest "big\.json": it is 50\.0 MiB, more than the 1\.0 MiB accepted\. /);
  assert.equal(codes(timed('x'.repeat(50 * 1024 * 1024))), ['MANIFEST_TOO_LARGE']);
});

test('just under the size limit, a manifest of 100,000 bad GPIOs stays linear and bounded', () => {
  const items = Array.from({ length: 100000 }, (_, i) => 100 + (i % 900)).join(',');
  const r = timed(`${HEAD}{"Gpio":[${items}]}}`);
  assert.is(r.diagnostics.length, MAX_DIAGNOSTICS + 1);
  assert.is(r.diagnostics.at(-1)!.code, 'DIAGNOSTICS_TRUNCATED');
  assert.match(r.diagnostics.at(-1)!.message, /^Cannot list all 100000 findings: only the first 200 are shown\./);
  assert.not.ok(r.ok);
});

test('10,000-deep nesting ends in JSON_TOO_DEEP', () => {
  for (const [open, close] of [['[', ']'], ['{"a":', '}']] as const) {
    const r = timed(`${HEAD}{"X":${open.repeat(10000)}1${close.repeat(10000)}}}`);
    assert.equal(codes(r), ['JSON_TOO_DEEP']);
    assert.not.ok(r.ok);
  }
  assert.equal(codes(timed('['.repeat(10000))), ['JSON_TOO_DEEP']);
});

test('billion-laughs-style repetition: 60,000 references to one name resolve once each', () => {
  const refs = Array.from({ length: 60000 }, () => '"$SAMPLE_LED"').join(',');
  const r = timed(`${HEAD}{"Gpio":[${refs}]}}`, { hardwareDefinition: rdb() });
  assert.is(r.diagnostics[0]!.code, 'PERIPHERAL_DUPLICATE');
  assert.is(r.diagnostics.length, MAX_DIAGNOSTICS + 1);
  const keys = Array.from({ length: 40000 }, () => '"Gpio":[8]').join(',');
  const d = timed(`${HEAD}{${keys}}}`);
  assert.ok(codes(d).every((c) => c === 'JSON_DUPLICATE_KEY' || c === 'DIAGNOSTICS_TRUNCATED'));
  assert.is(d.diagnostics.length, MAX_DIAGNOSTICS + 1);
});

test('billion-laughs-style hardware definitions: a 32-file diamond and a long mapping chain', () => {
  const META = { Type: 'Azure Sphere Hardware Definition', Version: 1 };
  const files = new Map<string, string>();
  const n = 31;
  for (let i = 0; i < n; i++) {
    const last = i === n - 1;
    files.set(`/b/${i}.json`, JSON.stringify({
      Metadata: META,
      Imports: last ? [] : [{ Path: `${i + 1}.json` }, { Path: `${i + 1}.json` }],
      Peripherals: last ? [{ Name: `L${i}`, Type: 'Gpio', MainCoreHeaderValue: '(8)', AppManifestValue: 8 }] : [{ Name: `L${i}`, Type: 'Gpio', Mapping: `L${i + 1}` }],
    }));
  }
  const readFile = (p: string) => {
    const t = files.get(p);
    if (t === undefined) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
    return Buffer.from(t);
  };
  const t0 = performance.now();
  const hw = resolveHardwareDefinition('/b/0.json', { readFile });
  assert.ok(performance.now() - t0 < 1000);
  assert.ok(hw.ok);
  assert.is(hw.peripherals.get('L0')!.chain.length, n);
  const r = timed(`${HEAD}{"Gpio":["$L0"]}}`, { hardwareDefinition: hw });
  assert.equal(r.manifest!['Capabilities'], { Gpio: [8] });
});

test('invalid UTF-8 is located at the first bad byte', () => {
  const bytes = Buffer.concat([Buffer.from(`${HEAD}{},\n"X":"ab`), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
  const r = timed(bytes);
  assert.equal(codes(r), ['JSON_INVALID_UTF8']);
  assert.equal([r.diagnostics[0]!.line, r.diagnostics[0]!.column], [2, 8]);
  for (const bad of [[0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82]])
    assert.equal(codes(timed(Buffer.concat([Buffer.from('{"Name":"'), Buffer.from(bad), Buffer.from('"}')]))), ['JSON_INVALID_UTF8'], String(bad));
});

test('a BOM is one error, and the rest is still checked', () => {
  const valid = `${HEAD}{}}`;
  const r = timed(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(valid)]));
  assert.equal(codes(r), ['JSON_BOM']);
  assert.is(r.manifest!['Name'], 'H');
  const s = timed('\ufeff' + valid.replace('"Name":"H"', '"Name":""'));
  assert.equal(codes(s), ['JSON_BOM', 'NAME_EMPTY']);
  assert.equal([s.diagnostics[1]!.line, s.diagnostics[1]!.column], [1, 27]); // counted after the BOM, as editors do
});

test('duplicate keys are errors, and the manifest keeps the last value', () => {
  const r = timed(`${HEAD}{"Gpio":[8],"Gpio":[9]},"Name":"Again"}`);
  assert.equal(r.diagnostics.map((d) => `${d.code} ${d.pointer}`), ['JSON_DUPLICATE_KEY /Capabilities/Gpio', 'JSON_DUPLICATE_KEY /Name']);
  assert.equal([r.manifest!['Name'], r.manifest!['Capabilities']], ['Again', { Gpio: [9] }]);
});

test('an Imports cycle through checkManifest is a clear error, not a hang', () => {
  const files: Record<string, string> = {
    '/c/a.json': '{"Metadata":{"Type":"Azure Sphere Hardware Definition","Version":1},"Imports":[{"Path":"b.json"}],"Peripherals":[]}',
    '/c/b.json': '{"Metadata":{"Type":"Azure Sphere Hardware Definition","Version":1},"Imports":[{"Path":"a.json"}],"Peripherals":[]}',
  };
  const readFile = (p: string) => {
    if (!(p in files)) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
    return Buffer.from(files[p]!);
  };
  const r = timed(`${HEAD}{"Gpio":["$X"]}}`, { targetDefinition: '/c/a.json', readFile });
  assert.equal(codes(r), ['HWDEF_UNRESOLVED', 'HWDEF_IMPORT_CYCLE']);
  assert.equal([r.diagnostics[1]!.file, r.diagnostics[1]!.line], ['/c/b.json', 1]);
});

test('odd but legal content: NUL escapes, lone surrogates, huge numbers, long strings, many keys', () => {
  const cases = [
    `${HEAD}{},"Name":"a\\u0000b"}`,
    `${HEAD}{},"Name":"\\ud800"}`,
    `${HEAD}{"Gpio":[1e400,-1e400,123456789012345678901234567890]}}`,
    `${HEAD}{},"Name":"${'x'.repeat(900000)}"}`,
    `${HEAD}{${Array.from({ length: 30000 }, (_, i) => `"K${i}":true`).join(',')}}}`,
  ];
  for (const c of cases) {
    const r = timed(c);
    assert.ok(r.diagnostics.length > 0 && r.diagnostics.length <= MAX_DIAGNOSTICS + 1);
  }
});

test('misuse throws TypeError; bad content never throws', () => {
  assert.throws(() => checkManifest(42 as unknown as string), TypeError);
  assert.throws(() => checkManifest('{}', { hardwareDefinitionDirs: 'dir' as unknown as string[] }), TypeError);
  assert.throws(() => resolveHardwareDefinition(''), TypeError);
});

test.run();
