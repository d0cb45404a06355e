/**
 * Mutation fuzzing of the package reader and verifier over the real fixtures: truncations,
 * bit flips, random bytes, and extreme values written over every u32 of the metadata and the
 * superblock. Only typed errors (SphereError) or verdicts may come out; at least 20,000 cases.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readPackage, SphereError, verifyPackage } from '../../image-builder/index';
import { ALL_FIXTURES, IMAGEPACKAGES, rng } from '../helpers';


const checker = { check: () => ({ ok: false as const, reason: 'UNKNOWN_SIGNER' as const }) };
const EXTREMES = [0, 1, 0x7fffffff, 0x80000000, 0xffffffff, 0xfffffff0, 0x10000];

test('only typed errors come out of 20,000+ mutated packages', () => {
  const rand = rng(Number(process.env['FUZZ_SEED'] ?? 20261129));
  const originals = ALL_FIXTURES.map((n) => readFileSync(join(IMAGEPACKAGES, n)));
  let cases = 0, typed = 0, parsed = 0;
  const started = Date.now();
  const run = (b: Uint8Array, label: string) => {
    cases++;
    try {
      readPackage(b);
      parsed++;
    } catch (e) {
      if (!(e instanceof SphereError)) throw new Error(`${label}: untyped ${(e as Error)?.stack ?? e}`);
      assert.ok(e.message.length > 0 && !e.message.includes('\n'), `${label}: message must be one line`);
      typed++;
    }
    verifyPackage(b, checker); // must return a verdict, never throw
  };
  for (const [fi, orig] of originals.entries()) {
    const n = orig.length;
    // Every truncation near the ends, and a spread of others.
    for (let k = 0; k <= 300; k++) run(orig.subarray(0, Math.max(0, n - k)), `f${fi} trunc-end ${k}`);
    for (let k = 0; k < 300; k++) run(orig.subarray(0, Math.floor(rand() * n)), `f${fi} trunc-rand`);
    // Extreme u32 values over every 4-byte-aligned word of the metadata block and the superblock.
    const meta = n - 64 - (orig[n - 68]! | (orig[n - 67]! << 8) | (orig[n - 66]! << 16));
    for (const start of [0, Math.max(0, meta)]) {
      for (let o = start; o < Math.min(n - 3, start + 320); o += 2) {
        for (const v of EXTREMES) {
          const b = Buffer.from(orig);
          b.writeUInt32LE(v >>> 0, o);
          run(b, `f${fi} word@${o}=${v}`);
        }
      }
    }
  }
  while (cases < 20_500) {
    const orig = originals[Math.floor(rand() * originals.length)]!;
    const b = Buffer.from(orig);
    const flips = 1 + Math.floor(rand() * 4);
    for (let i = 0; i < flips; i++) {
      // Mostly the interesting regions: headers, directory table, metadata.
      const region = rand();
      const at = region < 0.4 ? Math.floor(rand() * Math.min(512, b.length)) : region < 0.8 ? b.length - 1 - Math.floor(rand() * Math.min(300, b.length)) : Math.floor(rand() * b.length);
      b[at] = rand() < 0.5 ? b[at]! ^ (1 << Math.floor(rand() * 8)) : Math.floor(rand() * 256);
    }
    run(b, 'random');
  }
  assert.ok(cases >= 20_000, `ran ${cases} cases`);
  assert.ok(typed > 1000 && parsed > 100, `typed ${typed}, parsed ${parsed}: the corpus must exercise both outcomes`);
  assert.ok(Date.now() - started < 120_000, 'fuzzing took too long (a hang?)');
});

test.run();
