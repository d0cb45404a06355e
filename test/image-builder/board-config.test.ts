import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { FormatError, UsageError } from '../../image-builder/errors';
import {
  BOARD_CONFIG_PRESETS, boardConfigImageName, buildBoardConfigPayload, findBoardConfigPreset,
} from '../../image-builder/board-config';
import { fdtCells, fdtString, readFdt } from '../../image-builder/fdt';

// Known answers: the SDK-packed board config (fixture), its .expected.json, and Debian's dtc.

const BOARD = 'test/fixtures/imagepackage/Azure-Sphere-DevX--AzureSphereDevX.Examples--lan-enc28j60-isu0-int5.imagepackage';
const file = (): Uint8Array => new Uint8Array(readFileSync(BOARD));
const expected = (): { metadata: { sections: Array<{ tag: string; name: string; componentId?: string }> }; payload: { fdtHeaderBigEndian: string[] } } =>
  JSON.parse(readFileSync(`${BOARD}.expected.json`, 'utf8'));

const dts = (preset: string, desc: string): string =>
  `/dts-v1/;\n\n/ {\n\n\tazconfig {\n\t\tversion = <0x01>;\n\t\tpreset = "${preset}";\n\t\tdesc = "${desc}";\n\t};\n};\n`;

test('knows the documented presets with their descriptions', () => {
  assert.equal(BOARD_CONFIG_PRESETS.map((p) => [p.name, p.desc]), [
    ['lan-enc28j60-isu0-int5', 'Ethernet controller using SPI on ISU0 and interrupt on GPIO5'],
    ['lan-enc28j60-isu1-int5', 'Ethernet controller using SPI on ISU1 and interrupt on GPIO5'],
  ]);
  assert.ok(Object.isFrozen(BOARD_CONFIG_PRESETS) && Object.isFrozen(BOARD_CONFIG_PRESETS[0]));
});

test('payload for lan-enc28j60-isu0-int5 is byte-identical to the SDK-packed fixture payload', () => {
  const payload = buildBoardConfigPayload('lan-enc28j60-isu0-int5');
  assert.is(payload.length, 0xf0);
  assert.ok(Buffer.from(payload).equals(Buffer.from(file().subarray(0, 0xf0))));
  // The metadata block starts right after it.
  assert.is(Buffer.from(file().subarray(0xf0, 0xf4)).toString('latin1'), '4X4M');
});

test('payload header words match the independent parser', () => {
  const payload = buildBoardConfigPayload('lan-enc28j60-isu0-int5');
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const words = Array.from({ length: 10 }, (_, i) => '0x' + view.getUint32(i * 4).toString(16));
  assert.equal(words, expected().payload.fdtHeaderBigEndian);
});

test('isu1 payload carries its own preset and description', () => {
  const az = readFdt(buildBoardConfigPayload('lan-enc28j60-isu1-int5')).root.children[0]!;
  assert.is(az.name, 'azconfig');
  assert.equal(fdtCells(az.props[0]!.value), [1]);
  assert.is(fdtString(az.props[1]!.value), 'lan-enc28j60-isu1-int5');
  assert.is(fdtString(az.props[2]!.value), 'Ethernet controller using SPI on ISU1 and interrupt on GPIO5');
});

test('dtc decompiles each preset payload to the expected source and compiles it to the same bytes', () => {
  if (spawnSync('dtc', ['--version'], { stdio: 'ignore' }).error !== undefined) {
    console.log('  (skipped: dtc not installed; apt-get install device-tree-compiler)');
    return;
  }
  for (const p of BOARD_CONFIG_PRESETS) {
    const blob = buildBoardConfigPayload(p.name);
    const source = dts(p.name, p.desc);
    const de = spawnSync('dtc', ['-q', '-I', 'dtb', '-O', 'dts'], { input: blob });
    assert.is(de.status, 0, de.stderr.toString());
    assert.is(de.stdout.toString(), source, p.name);
    const co = spawnSync('dtc', ['-q', '-I', 'dts', '-O', 'dtb'], { input: source });
    assert.is(co.status, 0, co.stderr.toString());
    assert.ok(co.stdout.equals(Buffer.from(blob)), `${p.name}: dtc bytes differ`);
  }
});

test('unknown preset is a usage error listing the known presets', () => {
  for (const bad of ['lan-enc28j60-isu2-int5', '', 'LAN-ENC28J60-ISU0-INT5']) {
    try {
      buildBoardConfigPayload(bad);
      assert.unreachable(bad);
    } catch (e) {
      assert.instance(e, UsageError);
      assert.not.instance(e, FormatError);
      const err = e as UsageError;
      assert.is(err.code, 'UNKNOWN_PRESET');
      assert.is(err.exitCode, 2);
      assert.ok(err.message.startsWith(`Cannot pack board configuration preset "${bad}"`), err.message);
      assert.match(err.message, /lan-enc28j60-isu0-int5, lan-enc28j60-isu1-int5/);
    }
  }
  assert.is(findBoardConfigPreset('lan-enc28j60-isu1-int5').name, 'lan-enc28j60-isu1-int5');
});

test('image name is preset + first 6 hex digits of the component id, as in the fixture DB section', () => {
  const sections = expected().metadata.sections;
  const id = sections.find((s) => s.tag === 'ID')!.componentId!;
  const db = sections.find((s) => s.tag === 'DB')!.name;
  assert.is(id, '67b80798-d771-4774-977a-2cd18491865f');
  assert.is(boardConfigImageName('lan-enc28j60-isu0-int5', id), db);
  assert.is(db, 'lan-enc28j60-isu0-int5_67b807');
  // The name bytes as stored in the fixture's DB section: header "DB" + u16 length 40, then u64
  // build time, then 32 NUL-padded name bytes.
  const bytes = Buffer.from(file());
  const db40 = bytes.indexOf(Buffer.from([0x44, 0x42, 0x28, 0x00]), 0xf0);
  assert.ok(db40 > 0);
  const stored = bytes.subarray(db40 + 12, db40 + 44).toString('latin1').replace(/\0+$/, '');
  assert.is(boardConfigImageName('lan-enc28j60-isu0-int5', id), stored);
});

test('image name accepts GUID spellings, lower-cases the digits, and is cut to 31 bytes', () => {
  assert.is(boardConfigImageName('p', '{ABCDEF12-0000-0000-0000-000000000000}'), 'p_abcdef');
  assert.is(boardConfigImageName('p', 'ABCDEF1200000000000000000000000000'.slice(0, 32)), 'p_abcdef');
  const long = boardConfigImageName('lan-enc28j60-isu0-int5-extended', '67b80798-d771-4774-977a-2cd18491865f');
  assert.is(long, 'lan-enc28j60-isu0-int5-extended');
  assert.is(new TextEncoder().encode(long).length, 31);
  assert.is(boardConfigImageName('a'.repeat(24), '67b80798-d771-4774-977a-2cd18491865f'), 'a'.repeat(24) + '_67b807');
  assert.is(boardConfigImageName('a'.repeat(25), '67b80798-d771-4774-977a-2cd18491865f'), 'a'.repeat(25) + '_67b80');
  // Multi-byte characters are not split.
  const cut = boardConfigImageName('é'.repeat(16), '67b80798-d771-4774-977a-2cd18491865f');
  assert.is(cut, 'é'.repeat(15));
  assert.throws(() => boardConfigImageName('p', 'not-a-guid'), (e: unknown) => e instanceof RangeError);
});

test.run();
