import { rng } from '../helpers';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FormatError } from '../../image-builder/errors';
import { decodeLzmaAlone } from '../../image-builder/lzma';

// Known answers come from other encoders: python3's lzma module (liblzma), `xz --format=lzma`
// and Debian's `lzma_alone` (the LZMA SDK's encoder, the only one here that writes a known size).

const FIXTURES = 'test/fixtures';
const IMAGEPACKAGE = `${FIXTURES}/imagepackage/Azure-Sphere-DevX--AzureSphereDevX.Examples--avnet_PHT_HLApp-V1`;
const UNKNOWN_SIZE = new Uint8Array(8).fill(0xff);

function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

function hasTool(cmd: string, args: string[]): boolean {
  const r = spawnSync(cmd, args, { stdio: 'ignore' });
  return r.error === undefined;
}


function randomBytes(n: number, seed: number): Uint8Array {
  const r = rng(seed);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(r() * 256);
  return out;
}

function text(n: number, seed: number): Uint8Array {
  const r = rng(seed);
  const words = ['azure', 'sphere', 'image', 'package', 'the', 'of', 'and', 'manifest', 'signature', 'lzma', '\n'];
  let s = '';
  while (s.length < n) s += words[Math.floor(r() * words.length)]! + ' ';
  return new TextEncoder().encode(s.slice(0, n));
}

function repetitive(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = i % 1000 < 700 ? 0x41 : (i * 7) & 0xff;
  return out;
}

/** Structured binary (little-endian words and runs): where lp and pb matter. */
function structured(n: number, seed: number): Uint8Array {
  const r = rng(seed);
  const out = new Uint8Array(n);
  for (let i = 0; i + 4 <= n; i += 4) {
    const v = (i >> 2) * 3 + (r() < 0.1 ? Math.floor(r() * 65536) : 0);
    out[i] = v & 0xff;
    out[i + 1] = (v >> 8) & 0xff;
  }
  return out;
}

// One python3 process compresses a whole batch: stdin is a JSON line of jobs, then the inputs
// back to back; stdout is each result prefixed by its u32le length.
const PY_BATCH = `
import lzma, sys, json, struct
jobs = json.loads(sys.stdin.buffer.readline())
for o in jobs:
    data = sys.stdin.buffer.read(o['n'])
    f = {'id': lzma.FILTER_LZMA1, 'dict_size': o['dict'], 'lc': o['lc'], 'lp': o['lp'], 'pb': o['pb']}
    fmt = lzma.FORMAT_RAW if o['raw'] else lzma.FORMAT_ALONE
    out = lzma.compress(data, format=fmt, filters=[f])
    sys.stdout.buffer.write(struct.pack('<I', len(out)) + out)
`;

interface Props { lc: number; lp: number; pb: number; dict: number }
interface Job { data: Uint8Array; props: Props; raw?: boolean }

/** python3's liblzma encoder: FORMAT_ALONE (unknown size + end marker), or raw LZMA1 with `raw`. */
function pythonBatch(jobs: Job[]): Uint8Array[] {
  const head = JSON.stringify(jobs.map((j) => ({ ...j.props, n: j.data.length, raw: j.raw === true })));
  const input = concat(new TextEncoder().encode(head + '\n'), ...jobs.map((j) => j.data));
  const r = spawnSync('python3', ['-c', PY_BATCH], { input, maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`python3 lzma failed: ${r.stderr?.toString() ?? r.error}`);
  const out: Uint8Array[] = [];
  const buf = new Uint8Array(r.stdout);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  for (let o = 0; o < buf.length; ) {
    const n = view.getUint32(o, true);
    out.push(buf.slice(o + 4, o + 4 + n));
    o += 4 + n;
  }
  assert.is(out.length, jobs.length);
  return out;
}

function pythonAlone(data: Uint8Array, props: Props, raw = false): Uint8Array {
  return pythonBatch([{ data, props, raw }])[0]!;
}

function header(p: Props, size: Uint8Array): Uint8Array {
  const h = new Uint8Array(13);
  h[0] = (p.pb * 5 + p.lp) * 9 + p.lc;
  new DataView(h.buffer).setUint32(1, p.dict, true);
  h.set(size, 5);
  return h;
}

function u64le(n: number): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(n), true);
  return b;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function throwsCode(fn: () => unknown, code: string): FormatError {
  try {
    fn();
  } catch (e) {
    assert.instance(e, FormatError);
    const err = e as FormatError;
    assert.is(err.code, code, err.message);
    assert.type(err.offset, 'number');
    return err;
  }
  assert.unreachable(`expected FormatError ${code}`);
  throw new Error('unreachable');
}

function assertSame(actual: Uint8Array, expected: Uint8Array, what: string): void {
  assert.instance(actual, Uint8Array);
  assert.is(actual.length, expected.length, `${what}: length`);
  assert.ok(Buffer.from(actual).equals(Buffer.from(expected)), `${what}: bytes differ`);
}

const DATA: Array<[string, Uint8Array]> = [
  ['empty', new Uint8Array(0)],
  ['one byte', new Uint8Array([0x5a])],
  ['random 64 KiB', randomBytes(65536, 1)],
  ['repetitive 200 KiB', repetitive(200 * 1024)],
  ['text 100 KiB', text(100 * 1024, 2)],
  ['structured 50 KiB', structured(50 * 1024, 3)],
];

const PROPS: Props[] = [
  { lc: 0, lp: 0, pb: 2, dict: 4096 }, // what the Azure Sphere cloud uses
  { lc: 3, lp: 0, pb: 2, dict: 1 << 20 },
  { lc: 4, lp: 0, pb: 0, dict: 1 << 16 },
  { lc: 0, lp: 4, pb: 4, dict: 8192 },
  { lc: 1, lp: 2, pb: 1, dict: 1 << 16 },
];

test('decodes python lzma FORMAT_ALONE streams (end marker) for varied data and lc/lp/pb/dict', () => {
  const cases = PROPS.flatMap((props) => DATA.map(([name, data]) => ({ name, data, props })));
  const streams = pythonBatch(cases);
  cases.forEach(({ name, data, props }, i) => {
    const stream = streams[i]!;
    assert.equal([...stream.subarray(5, 13)], [...UNKNOWN_SIZE], 'python writes an unknown size');
    assertSame(decodeLzmaAlone(stream), data, `${name} ${JSON.stringify(props)}`);
  });
});

test('decodes a few MiB of mixed data', () => {
  const data = concat(text(1 << 20, 4), randomBytes(1 << 19, 5), repetitive(1 << 20), structured(1 << 19, 6));
  const stream = pythonAlone(data, { lc: 3, lp: 0, pb: 2, dict: 1 << 22 });
  const t = performance.now();
  const out = decodeLzmaAlone(stream);
  const ms = performance.now() - t;
  assertSame(out, data, 'mixed 3 MiB');
  assert.ok(ms < 5000, `took ${ms.toFixed(0)} ms`);
});

test('accepts 0-3 zero bytes of padding after the stream and rejects non-zero trailing bytes', () => {
  const data = text(5000, 7);
  const stream = pythonAlone(data, PROPS[0]!);
  for (let pad = 0; pad <= 3; pad++) {
    assertSame(decodeLzmaAlone(concat(stream, new Uint8Array(pad))), data, `pad ${pad}`);
  }
  const err = throwsCode(() => decodeLzmaAlone(concat(stream, new Uint8Array([0, 7]))), 'LZMA_CORRUPT');
  assert.is(err.offset, stream.length + 1);
});

test('decodes a known-size header followed by a stream that also ends with the end marker', () => {
  // liblzma's raw LZMA1 encoder always ends with the marker; give it an exact size header.
  const data = text(30000, 8);
  const p = { lc: 3, lp: 0, pb: 2, dict: 1 << 16 };
  const raw = pythonAlone(data, p, true);
  assertSame(decodeLzmaAlone(concat(header(p, u64le(data.length)), raw)), data, 'known size + marker');
  // One byte short of the data: the marker is not where the header says the end is.
  throwsCode(() => decodeLzmaAlone(concat(header(p, u64le(data.length - 1)), raw)), 'LZMA_CORRUPT');
  // Declared longer than the data: the marker comes too early.
  const err = throwsCode(() => decodeLzmaAlone(concat(header(p, u64le(data.length + 1)), raw)), 'LZMA_CORRUPT');
  assert.match(err.message, /end marker/);
});

const lzmaAlone = hasTool('lzma_alone', []);
test('decodes known-size streams from the LZMA SDK encoder (lzma_alone)', () => {
  if (!lzmaAlone) {
    console.log('  (skipped: lzma_alone not installed; apt-get install lzma-alone)');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'lzma-test-'));
  try {
    const switches = [['-d12', '-lc0', '-lp0', '-pb2'], ['-d16', '-lc8', '-lp0', '-pb0'], ['-d20', '-lc0', '-lp4', '-pb4', '-a0', '-mfhc4'], ['-d16', '-lc3', '-eos']];
    for (const sw of switches) {
      for (const [name, data] of DATA) {
        writeFileSync(join(dir, 'in'), data);
        const r = spawnSync('lzma_alone', ['e', join(dir, 'in'), join(dir, 'out'), ...sw], { stdio: 'ignore' });
        assert.is(r.status, 0, `lzma_alone ${sw.join(' ')}`);
        const stream = new Uint8Array(readFileSync(join(dir, 'out')));
        if (!sw.includes('-eos')) assertSame(stream.subarray(5, 13), u64le(data.length), 'lzma_alone writes the size');
        assertSame(decodeLzmaAlone(stream), data, `${name} ${sw.join(' ')}`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const xz = hasTool('xz', ['--version']);
test('decodes xz --format=lzma streams', () => {
  if (!xz) {
    console.log('  (skipped: xz not installed)');
    return;
  }
  for (const [name, data] of DATA) {
    for (const preset of ['-0', '-6e']) {
      const r = spawnSync('xz', ['--format=lzma', preset, '-c'], { input: data, maxBuffer: 1 << 26 });
      assert.is(r.status, 0);
      assertSame(decodeLzmaAlone(new Uint8Array(r.stdout)), data, `${name} xz ${preset}`);
    }
  }
});

test('decodes the committed .lzma fixtures to their recorded SHA-256', () => {
  // Hashes from `sha256sum` of the inputs when the fixtures were made (see test/fixtures/ORIGIN.md).
  const known = decodeLzmaAlone(readFileSync(`${FIXTURES}/lzma/text-known-size.lzma`));
  assert.is(known.length, 21425);
  assert.is(sha256(known), '3d326a468a3e97c7248818b64ee5f75b318236f1afd7d0876731c25248022120');
  const padded = readFileSync(`${FIXTURES}/lzma/binary-eos-padded.lzma`);
  const info = { consumed: -1 };
  const eos = decodeLzmaAlone(padded, { info });
  assert.is(eos.length, 9000);
  assert.is(info.consumed, padded.length - 3, 'the three appended zero bytes are padding');
  assert.is(sha256(eos), '2fd8f67e6acc50e535d2a4032b732a75d07e6c18d56a2ea625ed5d2a8e605871');
});

test('rejects a stream without end marker whose header says the size is unknown', () => {
  // The known-size fixture carries no marker; relabelled as unknown size, it never ends.
  const stream = new Uint8Array(readFileSync(`${FIXTURES}/lzma/text-known-size.lzma`));
  stream.fill(0xff, 5, 13);
  for (const pad of [0, 3, 64]) {
    const err = throwsCode(() => decodeLzmaAlone(concat(stream, new Uint8Array(pad))), 'LZMA_TRUNCATED');
    assert.is(err.offset, stream.length + pad);
    assert.match(err.message, /before the end marker/);
  }
});

test('decodes the cloud-signed fixture payload to the inner package with the SDK-built ASXipFS', () => {
  const signed = new Uint8Array(readFileSync(`${IMAGEPACKAGE}-signed.imagepackage`));
  const sdk = new Uint8Array(readFileSync(`${IMAGEPACKAGE}.imagepackage`));
  const inner = decodeLzmaAlone(signed.subarray(0, 13140));
  assert.is(inner.length, 45260); // the CM section's uncompressedSize
  assertSame(inner.subarray(0, 45056), sdk.subarray(0, 45056), 'ASXipFS payload');
  assert.is(Buffer.from(inner.subarray(45056, 45060)).toString('latin1'), '4X4M');
});

test('honours maxOutputSize for both size modes', () => {
  const data = repetitive(100000);
  const eos = pythonAlone(data, PROPS[0]!);
  assertSame(decodeLzmaAlone(eos, { maxOutputSize: data.length }), data, 'exactly at the cap');
  throwsCode(() => decodeLzmaAlone(eos, { maxOutputSize: data.length - 1 }), 'LZMA_TOO_LARGE');
  throwsCode(() => decodeLzmaAlone(eos, { maxOutputSize: 0 }), 'LZMA_TOO_LARGE');
  const p = PROPS[0]!;
  const raw = pythonAlone(data, p, true);
  const err = throwsCode(() => decodeLzmaAlone(concat(header(p, u64le(data.length)), raw), { maxOutputSize: 99999 }), 'LZMA_TOO_LARGE');
  assert.is(err.offset, 5);
  // A 13-byte bomb claiming 2^40 bytes is refused before any work.
  throwsCode(() => decodeLzmaAlone(concat(header(p, u64le(2 ** 40)), new Uint8Array(5))), 'LZMA_TOO_LARGE');
  assert.throws(() => decodeLzmaAlone(eos, { maxOutputSize: -1 }), (e: unknown) => e instanceof RangeError);
});

test('rejects bad headers and bad range-coder starts', () => {
  const p = PROPS[0]!;
  const good = pythonAlone(text(1000, 9), p);
  let err = throwsCode(() => decodeLzmaAlone(good.subarray(0, 12)), 'LZMA_TRUNCATED');
  assert.is(err.offset, 12);
  const badProps = good.slice();
  badProps[0] = 225;
  err = throwsCode(() => decodeLzmaAlone(badProps), 'LZMA_CORRUPT');
  assert.is(err.offset, 0);
  assert.match(err.message, /^Cannot decode LZMA stream/);
  const badFirst = good.slice();
  badFirst[13] = 1;
  err = throwsCode(() => decodeLzmaAlone(badFirst), 'LZMA_CORRUPT');
  assert.is(err.offset, 13);
  throwsCode(() => decodeLzmaAlone(concat(header(p, UNKNOWN_SIZE), new Uint8Array([0, 0xff, 0xff, 0xff, 0xff]))), 'LZMA_CORRUPT');
});

test('rejects every truncation of a valid stream with LZMA_TRUNCATED', () => {
  for (const stream of [pythonAlone(text(3000, 10), PROPS[0]!), pythonAlone(randomBytes(500, 11), PROPS[1]!)]) {
    for (let cut = 0; cut < stream.length; cut++) {
      const err = throwsCode(() => decodeLzmaAlone(stream.subarray(0, cut)), 'LZMA_TRUNCATED');
      assert.ok(err.offset! <= cut);
    }
  }
});

test('rejects matches that reach before the output or beyond the dictionary', () => {
  const p = PROPS[0]!;
  // First symbol decodes as is-match=1, is-rep=0: a match with nothing before it.
  let err = throwsCode(() => decodeLzmaAlone(concat(header(p, UNKNOWN_SIZE), new Uint8Array([0, 0x80, 0, 0, 0]), new Uint8Array(16))), 'LZMA_CORRUPT');
  assert.match(err.message, /distance/);
  // is-match=1, is-rep=1 at position 0: a repeated match with nothing before it.
  err = throwsCode(() => decodeLzmaAlone(concat(header(p, UNKNOWN_SIZE), new Uint8Array([0, 0xff, 0xff, 0xff, 0xf0]), new Uint8Array(16))), 'LZMA_CORRUPT');
  assert.match(err.message, /repeated match/);
  // Data repeating at 40 KiB distance, compressed with a 64 KiB dictionary, relabelled as 4 KiB.
  const block = randomBytes(40000, 12);
  const stream = pythonAlone(concat(block, block), { ...p, dict: 1 << 16 });
  const small = stream.slice();
  new DataView(small.buffer).setUint32(1, 4096, true);
  err = throwsCode(() => decodeLzmaAlone(small), 'LZMA_CORRUPT');
  assert.match(err.message, /distance/);
});

test('mutated and truncated streams yield only a Uint8Array or a FormatError', () => {
  const r = rng(0xc0ffee);
  const seeds = [
    pythonAlone(text(2000, 13), PROPS[0]!),
    pythonAlone(repetitive(4000), PROPS[2]!),
    pythonAlone(structured(3000, 14), PROPS[3]!),
    new Uint8Array(readFileSync(`${FIXTURES}/lzma/text-known-size.lzma`)),
  ];
  const codes = new Map<string, number>();

  const start = performance.now();
  for (let i = 0; i < 4000; i++) {
    const base = seeds[i % seeds.length]!;
    let input = base.slice();
    const flips = 1 + Math.floor(r() * 4);
    for (let k = 0; k < flips; k++) {
      const at = Math.floor(r() * input.length);
      input[at] = r() < 0.5 ? Math.floor(r() * 256) : input[at]! ^ (1 << Math.floor(r() * 8));
    }
    if (r() < 0.25) input = input.subarray(0, Math.floor(r() * input.length));
    try {
      const out = decodeLzmaAlone(input, { maxOutputSize: 1 << 20 });
      assert.instance(out, Uint8Array);

    } catch (e) {
      if (!(e instanceof FormatError)) throw new Error(`case ${i}: non-FormatError ${String(e)}`);
      assert.ok(e.offset !== undefined && e.offset >= 0 && e.offset <= input.length, `case ${i}: offset ${e.offset}`);
      codes.set(e.code, (codes.get(e.code) ?? 0) + 1);
    }
  }
  const ms = performance.now() - start;
  assert.ok(ms < 20000, `fuzz took ${ms.toFixed(0)} ms`);
  for (const code of codes.keys()) assert.ok(['LZMA_CORRUPT', 'LZMA_TRUNCATED', 'LZMA_TOO_LARGE'].includes(code), code);
  assert.ok((codes.get('LZMA_CORRUPT') ?? 0) > 0 && (codes.get('LZMA_TRUNCATED') ?? 0) > 0, JSON.stringify([...codes]));
});

test.run();
