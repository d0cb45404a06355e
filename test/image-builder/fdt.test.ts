import { rng } from '../helpers';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { FormatError } from '../../image-builder/errors';
import {
  FDT_BEGIN_NODE, FDT_END, FDT_END_NODE, FDT_HEADER_SIZE, FDT_LAST_COMP_VERSION, FDT_MAGIC, FDT_NOP, FDT_PROP,
  FDT_RESERVE_ENTRY_SIZE, FDT_VERSION, fdtCells, fdtString, readFdt, writeFdt, type FdtNode,
} from '../../image-builder/fdt';

// Known answers: the board-config fixture's FDT (built by Microsoft's SDK), its sibling
// .expected.json, and Debian's dtc as a second writer and reader.

const BOARD = 'test/fixtures/imagepackage/Azure-Sphere-DevX--AzureSphereDevX.Examples--lan-enc28j60-isu0-int5.imagepackage';
const fixtureBlob = (): Uint8Array => new Uint8Array(readFileSync(BOARD)).slice(0, 0xf0);

const dtcMissing = spawnSync('dtc', ['--version'], { stdio: 'ignore' }).error !== undefined;
function dtc(args: string[], input: Uint8Array | string): Buffer {
  const r = spawnSync('dtc', ['-q', ...args], { input });
  if (r.status !== 0) throw new Error(`dtc ${args.join(' ')} failed: ${r.stderr.toString()}`);
  return r.stdout;
}
function skipWithoutDtc(): boolean {
  if (dtcMissing) console.log('  (skipped: dtc not installed; apt-get install device-tree-compiler)');
  return dtcMissing;
}

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);


/** Builds a blob by hand from structure tokens (strings become padded node names). */
function assemble(tokens: Array<number | string>, strings: string): Uint8Array {
  const parts: number[] = [];
  for (const t of tokens) {
    if (typeof t === 'number') parts.push((t >>> 24) & 0xff, (t >>> 16) & 0xff, (t >>> 8) & 0xff, t & 0xff);
    else {
      const b = [...enc(t), 0];
      while (b.length % 4 !== 0) b.push(0);
      parts.push(...b);
    }
  }
  const str = enc(strings);
  const out = new Uint8Array(56 + parts.length + str.length);
  const v = new DataView(out.buffer);
  [0xd00dfeed, out.length, 56, 56 + parts.length, 40, 17, 16, 0, str.length, parts.length].forEach((w, i) => v.setUint32(i * 4, w));
  out.set(parts, 56);
  out.set(str, 56 + parts.length);
  return out;
}

function expectCorrupt(blob: Uint8Array, offset?: number, pattern?: RegExp): void {
  try {
    readFdt(blob);
  } catch (e) {
    assert.instance(e, FormatError);
    const err = e as FormatError;
    assert.is(err.code, 'FDT_CORRUPT');
    assert.type(err.offset, 'number');
    if (offset !== undefined) assert.is(err.offset, offset, err.message);
    if (pattern) assert.match(err.message, pattern);
    return;
  }
  assert.unreachable('expected FDT_CORRUPT');
}

/** A tree plus the dts text dtc prints for it (dtc's own decompiler format). */
const TREES: Array<{ name: string; tree: FdtNode; dts: string }> = [
  {
    name: 'mixed values, shared string tails, nested and empty nodes',
    tree: {
      name: '',
      props: [{ name: 'model', value: 'x' }, { name: 'foo-bar', value: 1 }],
      children: [
        {
          name: 'a',
          props: [
            { name: 'bar', value: enc('y\0z\0') },
            { name: 'empty', value: new Uint8Array(0) },
            { name: 'bytes', value: new Uint8Array([1, 2, 3]) },
          ],
          children: [{ name: 'b', props: [{ name: 'foo-bar', value: [0xffffffff, 2] }], children: [] }],
        },
        { name: 'c', props: [], children: [] },
      ],
    },
    dts: '/dts-v1/;\n\n/ {\n\tmodel = "x";\n\tfoo-bar = <0x01>;\n\n\ta {\n\t\tbar = "y\\0z";\n\t\tempty;\n\t\tbytes = [01 02 03];\n\n\t\tb {\n\t\t\tfoo-bar = <0xffffffff 0x02>;\n\t\t};\n\t};\n\n\tc {\n\t};\n};\n',
  },
  {
    name: 'empty root',
    tree: { name: '', props: [], children: [] },
    dts: '/dts-v1/;\n\n/ {\n};\n',
  },
  {
    name: 'unaligned strings and many cells',
    tree: {
      name: '',
      props: [{ name: 'compatible', value: 'vendor,board-1' }, { name: 'cells', value: [0, 1, 0x12345678, 0xdeadbeef, 7] }],
      children: [{ name: 'x-y_z.1', props: [{ name: 'odd', value: new Uint8Array([0xab]) }], children: [] }],
    },
    dts: '/dts-v1/;\n\n/ {\n\tcompatible = "vendor,board-1";\n\tcells = <0x00 0x01 0x12345678 0xdeadbeef 0x07>;\n\n\tx-y_z.1 {\n\t\todd = [ab];\n\t};\n};\n',
  },
];

test('format constants are the devicetree specification values', () => {
  assert.is(FDT_MAGIC, 0xd00dfeed);
  assert.is(FDT_VERSION, 17);
  assert.is(FDT_LAST_COMP_VERSION, 16);
  assert.is(FDT_HEADER_SIZE, 40);
  assert.is(FDT_RESERVE_ENTRY_SIZE, 16);
  assert.equal([FDT_BEGIN_NODE, FDT_END_NODE, FDT_PROP, FDT_NOP, FDT_END], [1, 2, 3, 4, 9]);
});

test('reads the SDK-built board-config FDT: header words match the independent parser', () => {
  const expected = JSON.parse(readFileSync(`${BOARD}.expected.json`, 'utf8')) as { payload: { fdtHeaderBigEndian: string[] } };
  const doc = readFdt(fixtureBlob());
  const h = doc.header;
  const words = [h.magic, h.totalSize, h.offDtStruct, h.offDtStrings, h.offMemRsvmap, h.version, h.lastCompVersion, h.bootCpuidPhys, h.sizeDtStrings, h.sizeDtStruct];
  assert.equal(words.map((w) => '0x' + w.toString(16)), expected.payload.fdtHeaderBigEndian);
  assert.equal(doc.memoryReservations, []);
  assert.is(doc.root.name, '');
  assert.is(doc.root.props.length, 0);
  assert.is(doc.root.children.length, 1);
  const az = doc.root.children[0]!;
  assert.is(az.name, 'azconfig');
  assert.equal(az.props.map((p) => p.name), ['version', 'preset', 'desc']);
  assert.equal([...az.props[0]!.value], [0, 0, 0, 1]);
  assert.equal(fdtCells(az.props[0]!.value), [1]);
  assert.is(fdtString(az.props[1]!.value), 'lan-enc28j60-isu0-int5');
  assert.is(fdtString(az.props[2]!.value), 'Ethernet controller using SPI on ISU0 and interrupt on GPIO5');
});

test('rewriting the SDK-built FDT from its parsed tree gives the same bytes', () => {
  const blob = fixtureBlob();
  assert.ok(Buffer.from(writeFdt(readFdt(blob).root)).equals(Buffer.from(blob)));
});

test('writer output equals the committed dtc-compiled blob, and reads back to the same tree', () => {
  // test/fixtures/fdt/mixed.dtb = `dtc -I dts -O dtb mixed.dts` (dtc 1.6.1), so this holds without dtc.
  const dtb = new Uint8Array(readFileSync('test/fixtures/fdt/mixed.dtb'));
  assert.is(readFileSync('test/fixtures/fdt/mixed.dts', 'utf8'), TREES[0]!.dts);
  assert.ok(Buffer.from(writeFdt(TREES[0]!.tree)).equals(Buffer.from(dtb)));
  const doc = readFdt(dtb);
  assert.is(doc.header.totalSize, dtb.length);
  assert.ok(Buffer.from(writeFdt(doc.root)).equals(Buffer.from(dtb)));
});

test('writer output is byte-identical to dtc compiling the same source', () => {
  if (skipWithoutDtc()) return;
  for (const { name, tree, dts } of TREES) {
    const ours = writeFdt(tree);
    const theirs = dtc(['-I', 'dts', '-O', 'dtb'], dts);
    assert.ok(theirs.equals(Buffer.from(ours)), `${name}: dtc ${theirs.toString('hex')} vs ours ${Buffer.from(ours).toString('hex')}`);
  }
});

test('dtc decompiles writer output to the expected source', () => {
  if (skipWithoutDtc()) return;
  for (const { name, tree, dts } of TREES) {
    assert.is(dtc(['-I', 'dtb', '-O', 'dts'], writeFdt(tree)).toString(), dts, name);
  }
});

test('reader round-trips writer output, values encoded big-endian and NUL-terminated', () => {
  const tree = TREES[0]!.tree;
  const doc = readFdt(writeFdt(tree));
  assert.is(doc.header.version, 17);
  assert.is(doc.header.lastCompVersion, 16);
  assert.is(doc.header.offMemRsvmap, 40);
  assert.is(doc.header.offDtStruct, 56);
  const root = doc.root;
  assert.equal(root.props.map((p) => [p.name, [...p.value]]), [['model', [0x78, 0]], ['foo-bar', [0, 0, 0, 1]]]);
  const a = root.children[0]!;
  assert.is(a.name, 'a');
  assert.equal(a.props.map((p) => [p.name, [...p.value]]), [['bar', [0x79, 0, 0x7a, 0]], ['empty', []], ['bytes', [1, 2, 3]]]);
  assert.equal(fdtCells(a.children[0]!.props[0]!.value), [0xffffffff, 2]);
  assert.equal(root.children[1], { name: 'c', props: [], children: [] });
  // Second pass is a fixed point.
  const blob = writeFdt(root);
  assert.ok(Buffer.from(writeFdt(readFdt(blob).root)).equals(Buffer.from(blob)));
});

test('writer and reader handle very deep trees without recursion', () => {
  let node: FdtNode = { name: 'leaf', props: [{ name: 'v', value: 1 }], children: [] };
  for (let i = 0; i < 20000; i++) node = { name: 'n', props: [], children: [node] };
  const blob = writeFdt({ name: '', props: [], children: [node] });
  let depth = 0;
  let cur = readFdt(blob).root;
  while (cur.children.length > 0) {
    cur = cur.children[0]!;
    depth++;
  }
  assert.is(depth, 20001);
  assert.is(cur.name, 'leaf');
});

test('writer rejects invalid names and values as misuse', () => {
  const bad: FdtNode[] = [
    { name: '', props: [], children: [{ name: '', props: [], children: [] }] },
    { name: '', props: [], children: [{ name: 'a/b', props: [], children: [] }] },
    { name: '', props: [{ name: '', value: 1 }], children: [] },
    { name: '', props: [{ name: 'p', value: 'a\0b' }], children: [] },
    { name: '', props: [{ name: 'p', value: -1 }], children: [] },
    { name: '', props: [{ name: 'p', value: [2 ** 32] }], children: [] },
    { name: '', props: [{ name: 'p', value: 1.5 }], children: [] },
  ];
  for (const tree of bad) assert.throws(() => writeFdt(tree), (e: unknown) => e instanceof RangeError, JSON.stringify(tree));
});

test('reader rejects malformed headers with the offset of the bad field', () => {
  const good = fixtureBlob();
  const patch = (word: number, value: number): Uint8Array => {
    const b = good.slice();
    new DataView(b.buffer).setUint32(word * 4, value);
    return b;
  };
  expectCorrupt(good.subarray(0, 39), 39);
  expectCorrupt(patch(0, 0xd00dfeee), 0, /magic/);
  expectCorrupt(patch(1, 0xf1), 4);
  expectCorrupt(patch(1, 0x27), 4);
  expectCorrupt(good.subarray(0, 0xef), 4);
  expectCorrupt(patch(5, 15), 20);
  expectCorrupt(patch(6, 18), 20);
  expectCorrupt(patch(2, 0xf0), 8);
  expectCorrupt(patch(9, 0xbc), 8);
  expectCorrupt(patch(2, 0x3a), 8);
  expectCorrupt(patch(3, 0xe0), 12);
  expectCorrupt(patch(8, 0xffffffff), 12);
  expectCorrupt(patch(4, 0x2c), 16);
  // A reservation map whose terminator is missing runs into the end of the blob.
  const rsv = patch(4, 0xe0);
  rsv.fill(0xff, 0xe0, 0xf0);
  expectCorrupt(rsv, 0xf0, /reservation/);
  // Version 16 has no size_dt_struct: the structure block runs to totalsize.
  assert.is(readFdt(patch(5, 16)).root.children[0]!.name, 'azconfig');
  // Padding after totalsize (as in an image payload) is ignored.
  const padded = new Uint8Array(0xf4);
  padded.set(good);
  assert.is(readFdt(padded).header.totalSize, 0xf0);
});

test('reader rejects malformed structure blocks with the offset of the bad token', () => {
  const good = fixtureBlob();
  const patch = (at: number, value: number): Uint8Array => {
    const b = good.slice();
    new DataView(b.buffer).setUint32(at, value);
    return b;
  };
  expectCorrupt(patch(0x38, 7), 0x38, /unknown token/);
  expectCorrupt(patch(0x38, FDT_PROP), 0x38, /outside any node/);
  expectCorrupt(patch(0x38, FDT_END_NODE), 0x38, /without an open node/);
  expectCorrupt(patch(0x38, FDT_END), 0x38, /before the root/);
  expectCorrupt(patch(0x54, 0xffff), 0x54, /length/); // version's length
  expectCorrupt(patch(0x58, 0x14), 0x58, /name offset/); // version's name offset = size_dt_strings
  expectCorrupt(patch(0xd8, FDT_NOP), 0xdc, /ends before/); // FDT_END replaced: runs off the block
  expectCorrupt(patch(0xd8, FDT_BEGIN_NODE), 0xd8, /second root/);
  // Structure block cut inside "azconfig": the name has no NUL within it.
  expectCorrupt(patch(0x24, 0x10), 0x44, /node name runs past/);
  // Strings block cut so the last name ("desc") has no NUL inside it.
  expectCorrupt(patch(0x20, 0x13), 0xeb, /runs past the strings block/);
  // A property after a subnode; an unclosed root.
  expectCorrupt(assemble([FDT_BEGIN_NODE, '', FDT_BEGIN_NODE, 'a', FDT_END_NODE, FDT_PROP, 4, 0, 1, FDT_END_NODE, FDT_END], 'p\0'), 76, /after a subnode/);
  expectCorrupt(assemble([FDT_BEGIN_NODE, '', FDT_END], ''), 64, /before the root node is closed/);
  assert.is(readFdt(assemble([FDT_BEGIN_NODE, '', FDT_PROP, 4, 0, 1, FDT_END_NODE, FDT_END], 'p\0')).root.props[0]!.name, 'p');
  // Invalid UTF-8 in a node name.
  const utf = good.slice();
  utf[0x44] = 0xff;
  expectCorrupt(utf, 0x44, /UTF-8/);
  // NOPs are skipped.
  const nop = writeFdt({ name: '', props: [{ name: 'a', value: 1 }], children: [] });
  const withNop = new Uint8Array(nop.length + 4);
  const structEnd = FDT_HEADER_SIZE + FDT_RESERVE_ENTRY_SIZE + 8 + 16;
  withNop.set(nop.subarray(0, structEnd));
  new DataView(withNop.buffer).setUint32(structEnd, FDT_NOP);
  withNop.set(nop.subarray(structEnd), structEnd + 4);
  const hv = new DataView(withNop.buffer);
  hv.setUint32(4, withNop.length);
  hv.setUint32(12, hv.getUint32(12) + 4);
  hv.setUint32(36, hv.getUint32(36) + 4);
  assert.equal(fdtCells(readFdt(withNop).root.props[0]!.value), [1]);
});

test('property value helpers reject values of the wrong shape', () => {
  const corrupt = (e: unknown): boolean => e instanceof FormatError && e.code === 'FDT_CORRUPT';
  assert.throws(() => fdtString(new Uint8Array([0x61])), corrupt);
  assert.throws(() => fdtString(new Uint8Array([0x61, 0, 0x62, 0])), corrupt);
  assert.throws(() => fdtString(new Uint8Array(0)), corrupt);
  assert.throws(() => fdtCells(new Uint8Array(3)), corrupt);
  assert.equal(fdtCells(new Uint8Array([0xde, 0xad, 0xbe, 0xef, 0, 0, 0, 2])), [0xdeadbeef, 2]);
});

test('mutated and truncated blobs yield only a document or an FDT_CORRUPT FormatError', () => {
  const seeds = [fixtureBlob(), writeFdt(TREES[0]!.tree), writeFdt(TREES[2]!.tree)];
  const r = rng(0xfd7);
  const start = performance.now();
  let failures = 0;
  for (let i = 0; i < 5000; i++) {
    let b = seeds[i % seeds.length]!.slice();
    const n = 1 + Math.floor(r() * 3);
    for (let k = 0; k < n; k++) {
      const at = Math.floor(r() * b.length);
      b[at] = r() < 0.5 ? Math.floor(r() * 256) : b[at]! ^ (1 << Math.floor(r() * 8));
    }
    if (r() < 0.2) b = b.subarray(0, Math.floor(r() * b.length));
    try {
      const doc = readFdt(b);
      assert.type(doc.root.name, 'string');
    } catch (e) {
      if (!(e instanceof FormatError) || e.code !== 'FDT_CORRUPT') throw new Error(`case ${i}: ${String(e)}`);
      assert.ok(typeof e.offset === 'number' && e.offset >= 0 && e.offset <= b.length, `case ${i}: offset ${e.offset}`);
      failures++;
    }
  }
  assert.ok(failures > 1000, `only ${failures} mutations were rejected`);
  assert.ok(performance.now() - start < 10000);
});

test.run();
