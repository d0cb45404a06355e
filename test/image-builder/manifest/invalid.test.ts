import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkManifest, CAPABILITIES, CODES, type ManifestCheck } from '../../../image-builder/manifest/index';
import { INVALID, RDB_DIRS, rdb, textAt } from './_fixtures';

interface Expected {
  code: string;
  severity: 'error' | 'warning';
  pointer: string;
  deviceError?: string;
  hardwareDefinition?: string;
  line: number;
  column: number;
  at?: string;
}
const expected = JSON.parse(readFileSync(join(INVALID, 'expected.json'), 'utf8')) as Record<string, Expected>;
const files = readdirSync(INVALID).filter((f) => f.endsWith('.json') && f !== 'expected.json');

function run(file: string): ManifestCheck {
  const e = expected[file] as Expected;
  const bytes = readFileSync(join(INVALID, file));
  return checkManifest(bytes, { path: file, ...(e.hardwareDefinition === undefined ? {} : { hardwareDefinition: rdb() }) });
}

test('the corpus holds at least 60 manifests, each with an expectation', () => {
  assert.ok(files.length >= 60, `${files.length} manifests`);
  assert.equal(files.sort(), Object.keys(expected).sort());
});

for (const file of files.sort()) {
  test(`${file}: exactly the expected diagnostic`, () => {
    const e = expected[file] as Expected;
    const r = run(file);
    const got = r.diagnostics.map((d) => `${d.severity} ${d.code} ${d.pointer} ${d.deviceError ?? '-'}`);
    assert.equal(got, [`${e.severity} ${e.code} ${e.pointer} ${e.deviceError ?? '-'}`], file);
    const d = r.diagnostics[0]!;
    assert.is(d.file, file);
    assert.is(`${d.line}:${d.column}`, `${e.line}:${e.column}`, `${file}: position`);
    if (e.at !== undefined) {
      const text = readFileSync(join(INVALID, file), 'utf8');
      assert.ok(textAt(text, d.line!, d.column!).startsWith(e.at.trimEnd()), `${file}: points at ${JSON.stringify(textAt(text, d.line!, d.column!).slice(0, 20))}`);
    }
    assert.is(r.ok, e.severity !== 'error');
    assert.match(d.message, /^Cannot [^\n]+\. [^\n]+$/);
  });
}

test('the corpus covers every capability of the spec', () => {
  const used = new Set<string>();
  for (const file of files) {
    const m = /"Capabilities": \{([\s\S]*)\}/.exec(readFileSync(join(INVALID, file), 'utf8'));
    for (const c of CAPABILITIES) if (m?.[1]?.includes(`"${c.name}"`)) used.add(c.name);
  }
  assert.equal(CAPABILITIES.filter((c) => !used.has(c.name)).map((c) => c.name), []);
});

test('the corpus and the other suites cover every diagnostic code', () => {
  const inCorpus = new Set(Object.values(expected).map((e) => e.code));
  // Codes that need more than one file or a hostile size are covered by hwdef/hostile tests.
  const elsewhere = ['MANIFEST_SNIPPET', 'MANIFEST_TOO_LARGE', 'HWDEF_NO_VALUE', 'HWDEF_NOT_FOUND', 'HWDEF_INVALID', 'HWDEF_IMPORT_CYCLE', 'HWDEF_TOO_MANY_FILES', 'HWDEF_DUPLICATE_NAME', 'HWDEF_MAPPING_NOT_FOUND', 'HWDEF_MAPPING_TYPE', 'DIAGNOSTICS_TRUNCATED'];
  assert.equal(Object.keys(CODES).filter((c) => !inCorpus.has(c) && !elsewhere.includes(c)), []);
});

test('a manifest checked with --hardware-definitions/--target-definition resolves like a preloaded definition', () => {
  const file = 'hwdef-type-mismatch.json';
  const a = checkManifest(readFileSync(join(INVALID, file)), { path: file, hardwareDefinitionDirs: RDB_DIRS, targetDefinition: 'sample_appliance.json' });
  assert.equal(a.diagnostics, run(file).diagnostics);
});

test.run();
