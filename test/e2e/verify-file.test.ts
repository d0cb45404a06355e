/**
 * End-to-end: `dist/sphere image verify` of packages large enough to be streamed (a 3 MiB app, and
 * one whose 6,000 entries put its directories past the part kept from the start), intact and with
 * one byte changed in each region — file data, the superblock's CRC field, the metadata, the
 * signature — or with no trusted signer. Each verdict is the one the change must cause, and the
 * same as the library's `verifyPackage` over the whole file; the intact package's signature is
 * checked by OpenSSL too.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomFillSync } from 'node:crypto';
import { verifyPackage } from '../../image-builder/index';
import { TrustStore, verifyImageSignature } from '../../signer/index';
import { sphere, tempDir } from '../helpers';

const test = suite('image verify, streamed');
let t: { dir: string; done: () => void };
let env: Record<string, string>;
let store: TrustStore;

test.before(() => {
  t = tempDir('sphere-verify-file-');
  env = { SPHERE_CA_DIR: join(t.dir, 'ca') };
  assert.is(sphere(['ca', 'init'], { env }).code, 0);
  store = new TrustStore();
  store.addPem(readFileSync(join(t.dir, 'ca', 'ca.pem'), 'utf8'));
});
test.after(() => t.done());

function pack(name: string, fill: (root: string) => void): string {
  const root = join(t.dir, name);
  mkdirSync(join(root, 'bin'), { recursive: true });
  writeFileSync(join(root, 'app_manifest.json'), JSON.stringify({ SchemaVersion: 1, Name: name, ComponentId: '0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f0', EntryPoint: '/bin/app', CmdArgs: [], Capabilities: {}, ApplicationType: 'Default' }));
  fill(root);
  const out = join(t.dir, `${name}.imagepackage`);
  const r = sphere(['image', 'pack', root, '--destination', out, '--target-api-set', '16'], { env });
  assert.is(r.code, 0, r.stderr);
  return out;
}

/** The verdict `dist/sphere image verify` gives, and the library's over the whole file. */
function verdicts(file: string, withCa = true): { cli: { valid: boolean; reason?: string; code: number }; whole: string } {
  const r = sphere(['image', 'verify', file, '-o', 'json'], { env: withCa ? env : { SPHERE_CA_DIR: join(t.dir, 'no-ca') } });
  const j = JSON.parse(r.stdout) as { valid: boolean; reason?: string };
  const checker = { check: (tp: string, signed: Uint8Array, sig: Uint8Array) => { const v = verifyImageSignature(withCa ? store : new TrustStore(), tp, signed, sig); return v.ok ? { ok: true as const, signer: v.signer.name } : { ok: false as const, reason: v.reason }; } };
  const w = verifyPackage(readFileSync(file), checker);
  return { cli: { ...j, code: r.code }, whole: w.ok ? 'valid' : w.reason };
}

function flipped(file: string, name: string, at: (size: number, bytes: Buffer) => number): string {
  const b = Buffer.from(readFileSync(file));
  const i = at(b.length, b);
  b[i] = b[i]! ^ 0x5a;
  const out = join(t.dir, name);
  writeFileSync(out, b);
  return out;
}

/** DER of a raw r‖s P-256 signature, for OpenSSL. */
function der(raw: Buffer): Buffer {
  const int = (x: Buffer) => { let v = x; while (v.length > 1 && v[0] === 0 && v[1]! < 0x80) v = v.subarray(1); if (v[0]! >= 0x80) v = Buffer.concat([Buffer.of(0), v]); return Buffer.concat([Buffer.of(2, v.length), v]); };
  const body = Buffer.concat([int(raw.subarray(0, 32)), int(raw.subarray(32))]);
  return Buffer.concat([Buffer.of(0x30, body.length), body]);
}

test('a 3 MiB package: valid, OpenSSL agrees on its signature; each changed region gives its own verdict, as the whole-file check does', () => {
  const file = pack('big', (root) => {
    writeFileSync(join(root, 'bin', 'app'), randomFillSync(Buffer.alloc(1024 * 1024)));
    writeFileSync(join(root, 'data.bin'), randomFillSync(Buffer.alloc(2 * 1024 * 1024)));
  });
  const ok = verdicts(file);
  assert.equal([ok.cli.code, ok.cli.valid, ok.whole], [0, true, 'valid']);

  const bytes = readFileSync(file);
  writeFileSync(join(t.dir, 'signed.bin'), bytes.subarray(0, bytes.length - 64));
  writeFileSync(join(t.dir, 'sig.der'), der(bytes.subarray(bytes.length - 64)));
  execFileSync('openssl', ['x509', '-in', join(t.dir, 'ca', 'ca.pem'), '-pubkey', '-noout', '-out', join(t.dir, 'ca.pub')]);
  assert.match(execFileSync('openssl', ['dgst', '-sha256', '-verify', join(t.dir, 'ca.pub'), '-signature', join(t.dir, 'sig.der'), join(t.dir, 'signed.bin')], { encoding: 'utf8' }), /Verified OK/);

  assert.ok(bytes.readUInt32LE(4) > bytes.length - 64 * 1024, 'the file system ends in the last 64 KiB');
  const cases: Array<[string, (size: number) => number, string]> = [
    ['data.imagepackage', (n) => Math.floor(n / 2), 'BAD_CRC'],
    ['crc.imagepackage', () => 0x21, 'BAD_CRC'],
    ['late-data.imagepackage', (n) => n - 70 * 1024, 'BAD_CRC'],
    // The file system's last bytes (its size is the superblock's word at offset 4) lie among the package's last 64 KiB.
    ['fs-end.imagepackage', () => bytes.readUInt32LE(4) - 100, 'BAD_CRC'],
    ['signature.imagepackage', (n) => n - 10, 'BAD_SIGNATURE'],
  ];
  for (const [name, at, reason] of cases) {
    const v = verdicts(flipped(file, name, at));
    assert.equal([name, v.cli.code, v.cli.valid, v.cli.reason, v.whole], [name, 1, false, reason, reason]);
  }
  // A byte of the Debug section's name (in the metadata, before the signature): signed, so the signature fails.
  const meta = flipped(file, 'metadata.imagepackage', (_n, b) => b.lastIndexOf(Buffer.from('big\0')));
  const m = verdicts(meta);
  assert.equal([m.cli.valid, m.cli.reason, m.whole], [false, 'BAD_SIGNATURE', 'BAD_SIGNATURE']);
  const u = verdicts(file, false);
  assert.equal([u.cli.code, u.cli.reason, u.whole], [1, 'UNKNOWN_SIGNER', 'UNKNOWN_SIGNER']);
  const cut = join(t.dir, 'cut.imagepackage');
  writeFileSync(cut, bytes.subarray(0, bytes.length - 1000));
  const c = verdicts(cut);
  assert.equal([c.cli.valid, c.cli.reason], [false, c.whole]);
});

test('a package whose directories reach past the kept start (6,000 entries): the same verdicts', () => {
  const file = pack('wide', (root) => {
    writeFileSync(join(root, 'bin', 'app'), randomFillSync(Buffer.alloc(1024 * 1024)));
    for (let d = 0; d < 6; d++) {
      mkdirSync(join(root, `dir${d}`));
      for (let i = 0; i < 1000; i++) writeFileSync(join(root, `dir${d}`, `${'entry-with-a-rather-long-name-'.repeat(2)}${i}`), '');
    }
  });
  const ok = verdicts(file);
  assert.equal([ok.cli.code, ok.cli.valid, ok.whole], [0, true, 'valid']);
  const v = verdicts(flipped(file, 'wide-data.imagepackage', (n) => n - 600 * 1024));
  assert.equal([v.cli.reason, v.whole], ['BAD_CRC', 'BAD_CRC']);
});

test.run();
