import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareHeader, generateHeader, headerFileName, parseHardwareDefinitionFile } from '../../../image-builder/manifest/index';
import { HW } from './_fixtures';

const definitions = [
  'sdk-20.x/mt3620.json', 'sdk-20.x/mt3620_rdb.json', 'mt3620_rdb/sample_appliance.json', 'avnet_mt3620_sk/sample_appliance.json',
  'avnet_mt3620_sk_rev2/sample_appliance.json', 'seeed_mt3620_mdb/sample_appliance.json', 'usi_mt3620_bt_evb/sample_appliance.json',
];

interface JsonDef {
  Description?: { Name?: string; MainCoreHeaderFileTopContent?: string[] };
  Imports?: { Path: string }[];
  Peripherals: { Name: string; Mapping?: string; MainCoreHeaderValue?: string; Comment?: string }[];
}

function header(rel: string): string {
  const path = join(HW, rel);
  const parsed = parseHardwareDefinitionFile(path, readFileSync(path));
  assert.equal(parsed.diagnostics, [], rel);
  return generateHeader(parsed.file!);
}

for (const rel of definitions) {
  test(`${rel}: the header states every peripheral, define for define`, () => {
    const json = JSON.parse(readFileSync(join(HW, rel), 'utf8')) as JsonDef;
    const text = header(rel);
    const lines = text.split('\n');
    // Defines, read with a plain regex; each must be what the JSON says, in JSON order.
    const defines = lines.map((l) => /^#define (\S+) (.+)$/.exec(l)).filter((m) => m !== null).map((m) => [m[1], m[2]]);
    assert.equal(defines, json.Peripherals.map((p) => [p.Name, p.Mapping ?? p.MainCoreHeaderValue]));
    // Each define is preceded by its comment.
    for (const p of json.Peripherals) {
      const at = lines.indexOf(`#define ${p.Name} ${p.Mapping ?? p.MainCoreHeaderValue}`);
      if (p.Comment !== undefined) assert.is(lines[at - 1], `// ${p.Comment}`, p.Name);
    }
    // The top content comes first, verbatim; then #pragma once and one #include per import.
    const top = json.Description?.MainCoreHeaderFileTopContent ?? [];
    assert.equal(lines.slice(0, top.length), top);
    assert.equal(lines.filter((l) => l.startsWith('#include ')), (json.Imports ?? []).map((i) => `#include "${i.Path.replace(/\.json$/, '.h')}"`));
    assert.is(lines.filter((l) => l === '#pragma once').length, 1);
    assert.ok(text.endsWith('\n'));
  });
}

test('headers are named after the definition', () => {
  assert.is(headerFileName('/a/b/sample_appliance.json'), 'sample_appliance.h');
  assert.is(headerFileName('mt3620.json'), 'mt3620.h');
});

test('the generated headers compile and give the values of the SDK definitions (checked by gcc)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sphere-hdr-'));
  try {
    for (const rel of ['sdk-20.x/mt3620.json', 'sdk-20.x/mt3620_rdb.json', 'mt3620_rdb/sample_appliance.json']) writeFileSync(join(dir, headerFileName(rel)), header(rel));
    // Known answers: spec app-manifest.md §6.2 (UART ids are offset by 4, SPI chip selects are -1/-2) and §6.4.
    writeFileSync(join(dir, 'check.c'), [
      '#include "sample_appliance.h"',
      '_Static_assert(SAMPLE_LED == 8, "LED1 red is GPIO8");',
      '_Static_assert(SAMPLE_BUTTON_1 == 12 && SAMPLE_BUTTON_2 == 13, "buttons");',
      '_Static_assert(SAMPLE_UART_LOOPBACK == 4, "ISU0 UART id");',
      '_Static_assert(SAMPLE_DEBUG_UART == 5, "ISU1 UART id");',
      '_Static_assert(SAMPLE_LSM6DS3_I2C == 2 && SAMPLE_LSM6DS3_SPI == 1, "ISU ids");',
      '_Static_assert(SAMPLE_LSM6DS3_SPI_CS == -1, "chip select A");',
      '_Static_assert(SAMPLE_LED_PWM_CONTROLLER == 2 && SAMPLE_LED_PWM_CHANNEL == 1, "PWM");',
      '_Static_assert(SAMPLE_POTENTIOMETER_ADC_CONTROLLER == 0 && SAMPLE_POTENTIOMETER_ADC_CHANNEL == 0, "ADC");',
      '_Static_assert(MT3620_GPIO80 == 80 && MT3620_ISU4_UART == 8, "chip");',
      '#include "sample_appliance.h"', // #pragma once: a second include is harmless
      'int main(void) { return 0; }',
      '',
    ].join('\n'));
    execFileSync('gcc', ['-std=c11', '-Wall', '-Werror', '-fsyntax-only', '-I', dir, join(dir, 'check.c')], { stdio: 'pipe' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('compareHeader accepts a current header and names what is stale', () => {
  const current = header('mt3620_rdb/sample_appliance.json');
  assert.equal(compareHeader(current, current), { ok: true, missing: [], extra: [], changed: [] });
  assert.ok(compareHeader(current.replace(/\n/g, '\r\n'), current).ok);
  const stale = current
    .replace('#define SAMPLE_LED MT3620_RDB_LED1_RED', '#define SAMPLE_LED MT3620_RDB_LED1_GREEN')
    .replace(/\/\/ MT3620 RDB: Button B\n#define SAMPLE_BUTTON_2 MT3620_RDB_BUTTON_B\n/, '')
    .concat('#define SAMPLE_OLD_THING 1\n');
  const cmp = compareHeader(stale, current);
  assert.not.ok(cmp.ok);
  assert.equal(cmp.missing, ['SAMPLE_BUTTON_2']);
  assert.equal(cmp.extra, ['SAMPLE_OLD_THING']);
  assert.equal(cmp.changed, [{ name: 'SAMPLE_LED', expected: 'MT3620_RDB_LED1_RED', actual: 'MT3620_RDB_LED1_GREEN' }]);
  // A changed comment alone is still stale.
  const comment = compareHeader(current.replace('MT3620 RDB: Button A', 'Button A'), current);
  assert.equal([comment.ok, comment.missing, comment.changed], [false, [], []]);
  assert.is(current.split('\n')[comment.firstDifferentLine! - 1], '// MT3620 RDB: Button A');
});

test.run();
