/**
 * End-to-end: `dist/sphere image pack` writes the package straight to its file (streamed). The
 * file must be byte for byte what the in-memory builder makes of the same plan (files of odd sizes
 * and an empty one, so page padding lies between them), its signature must verify with OpenSSL
 * against the CA's certificate, and its superblock CRC must match CRC-32 computed by Python's
 * zlib (a second implementation). A destination in a missing folder fails with one line, exit
 * code 2, and leaves no temporary file.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomFillSync } from 'node:crypto';
import { buildPackage, HELPER_MIN_BYTES, planApplicationPackage } from '../../image-builder/index';
import { fileSigner } from '../../signer/index';
import { derSignatureForOpenssl, sphere, tempDir } from '../helpers';

const test = suite('image pack, streamed to the file');
let t: { dir: string; done: () => void };
let env: Record<string, string>;
const IMAGE_ID = '11111111-2222-4333-8444-555555555555';
const BUILD_TIME = 1700000000;

test.before(() => {
  t = tempDir('sphere-pack-file-');
  env = { SPHERE_CA_DIR: join(t.dir, 'ca') };
  assert.is(sphere(['ca', 'init'], { env }).code, 0);
});
test.after(() => t.done());

function approot(): string {
  const root = join(t.dir, 'approot');
  mkdirSync(join(root, 'bin'), { recursive: true });
  mkdirSync(join(root, 'data', 'empty'), { recursive: true });
  writeFileSync(join(root, 'app_manifest.json'), JSON.stringify({ SchemaVersion: 1, Name: 'Streamed', ComponentId: '0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f0', EntryPoint: '/bin/app', CmdArgs: [], Capabilities: {}, ApplicationType: 'Default' }));
  writeFileSync(join(root, 'bin', 'app'), randomFillSync(Buffer.alloc(1024 * 1024 + 123)));
  writeFileSync(join(root, 'data', 'a.bin'), randomFillSync(Buffer.alloc(700 * 1024 + 1)));
  writeFileSync(join(root, 'data', 'zero-length'), '');
  writeFileSync(join(root, 'data', 'small.txt'), 'hello\n');
  return root;
}

function caSigner() {
  return fileSigner({ keyPem: readFileSync(join(t.dir, 'ca', 'ca.key.pem'), 'utf8'), certPem: readFileSync(join(t.dir, 'ca', 'ca.pem'), 'utf8') });
}

test('the streamed file equals the in-memory build, OpenSSL verifies its signature and Python\'s zlib its CRC', async () => {
  const root = approot();
  const out = join(t.dir, 'streamed.imagepackage');
  const r = sphere(['image', 'pack', root, '--destination', out, '--target-api-set', '16', '--image-id', IMAGE_ID, '--build-time', String(BUILD_TIME), '-o', 'json'], { env });
  assert.is(r.code, 0, r.stderr);
  const file = readFileSync(out);
  assert.is((JSON.parse(r.stdout) as { size: number }).size, file.length);

  const plan = planApplicationPackage({ approot: root, targetApiSet: '16', imageId: IMAGE_ID, buildTime: BUILD_TIME });
  const inMemory = Buffer.from(await buildPackage(plan, caSigner()));
  assert.is(file.length, inMemory.length);
  assert.ok(file.equals(inMemory), 'the streamed package differs from the in-memory one');

  writeFileSync(join(t.dir, 'signed.bin'), file.subarray(0, file.length - 64));
  writeFileSync(join(t.dir, 'sig.der'), derSignatureForOpenssl(file.subarray(file.length - 64)));
  execFileSync('openssl', ['x509', '-in', join(t.dir, 'ca', 'ca.pem'), '-pubkey', '-noout', '-out', join(t.dir, 'ca.pub')]);
  assert.match(execFileSync('openssl', ['dgst', '-sha256', '-verify', join(t.dir, 'ca.pub'), '-signature', join(t.dir, 'sig.der'), join(t.dir, 'signed.bin')], { encoding: 'utf8' }), /Verified OK/);

  // The superblock: size at offset 4, CRC at offset 32, computed with the CRC field as zero.
  const py = spawnSync('python3', ['-c', 'import sys, zlib; b = bytearray(open(sys.argv[1], "rb").read()); n = int.from_bytes(b[4:8], "little"); b[32:36] = bytes(4); print(zlib.crc32(bytes(b[:n])))', out], { encoding: 'utf8' });
  if (py.error) { console.log('  (skipped the Python CRC check: python3 is not installed)'); return; }
  assert.is(py.status, 0, py.stderr);
  assert.is(Number(py.stdout.trim()), file.readUInt32LE(32));
  assert.is(sphere(['image', 'verify', out], { env }).code, 0);
});

/** An approot over the size from which packing uses a second thread (3 × 6 MiB and a few small files). */
function bigApproot(): string {
  const root = join(t.dir, 'big');
  mkdirSync(join(root, 'bin'), { recursive: true });
  mkdirSync(join(root, 'data'), { recursive: true });
  writeFileSync(join(root, 'app_manifest.json'), JSON.stringify({ SchemaVersion: 1, Name: 'Big', ComponentId: '0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f1', EntryPoint: '/bin/app', CmdArgs: [], Capabilities: {}, ApplicationType: 'Default' }));
  writeFileSync(join(root, 'bin', 'app'), randomFillSync(Buffer.alloc(6 * 1024 * 1024 + 7)));
  for (const n of ['a', 'b']) writeFileSync(join(root, 'data', `${n}.bin`), randomFillSync(Buffer.alloc(6 * 1024 * 1024 - 5)));
  writeFileSync(join(root, 'data', 'small.txt'), 'hello\n');
  writeFileSync(join(root, 'data', 'zero-length'), '');
  return root;
}

test(`a package over ${HELPER_MIN_BYTES / 1024 / 1024} MiB (written by two threads) equals the in-memory build and OpenSSL verifies it`, async () => {
  const root = bigApproot();
  const out = join(t.dir, 'big.imagepackage');
  const r = sphere(['image', 'pack', root, '--destination', out, '--target-api-set', '16', '--image-id', IMAGE_ID, '--build-time', String(BUILD_TIME), '-o', 'json'], { env });
  assert.is(r.code, 0, r.stderr);
  const file = readFileSync(out);
  const plan = planApplicationPackage({ approot: root, targetApiSet: '16', imageId: IMAGE_ID, buildTime: BUILD_TIME });
  assert.ok(plan.layout!.size >= HELPER_MIN_BYTES, 'the approot is not large enough for the two-thread path');
  const inMemory = Buffer.from(await buildPackage(plan, caSigner()));
  assert.ok(file.equals(inMemory), 'the two-thread package differs from the in-memory one');
  writeFileSync(join(t.dir, 'big-signed.bin'), file.subarray(0, file.length - 64));
  writeFileSync(join(t.dir, 'big-sig.der'), derSignatureForOpenssl(file.subarray(file.length - 64)));
  execFileSync('openssl', ['x509', '-in', join(t.dir, 'ca', 'ca.pem'), '-pubkey', '-noout', '-out', join(t.dir, 'ca.pub')]);
  assert.match(execFileSync('openssl', ['dgst', '-sha256', '-verify', join(t.dir, 'ca.pub'), '-signature', join(t.dir, 'big-sig.der'), join(t.dir, 'big-signed.bin')], { encoding: 'utf8' }), /Verified OK/);
  assert.is(sphere(['image', 'verify', out], { env }).code, 0);
});

test('a file written while a large package is being written fails the pack with FILE_CHANGED and leaves no file', async () => {
  const root = bigApproot();
  const out = join(t.dir, 'changed.imagepackage');
  const target = join(root, 'data', 'a.bin');
  // Another process keeps writing the file's time for the whole pack, so a read after the first
  // one sees another modification time than the first read did.
  const toucher = spawn('sh', ['-c', 'while :; do touch "$0"; done', target], { stdio: 'ignore' });
  try {
    await new Promise((r) => setTimeout(r, 50));
    const before = readdirSync(t.dir).sort();
    const r = sphere(['image', 'pack', root, '--destination', out, '--target-api-set', '16'], { env });
    assert.is(r.code, 1, r.stderr);
    assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /Cannot pack file ".*a\.bin": it was modified while the package was being written\. Pack again when nothing is writing to the folder\./);
    assert.equal(readdirSync(t.dir).sort(), before);
  } finally {
    toucher.kill();
  }
});

test('a full disk: one line naming the file and what to do, exit code 1, nothing left behind', () => {
  // A 1 MiB tmpfs for the destination; mounting one needs root, so elsewhere this check says so and stops.
  const small = join(t.dir, 'small-disk');
  mkdirSync(small);
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', small], { encoding: 'utf8' });
  if (mounted.status !== 0) { console.log(`  (skipped the full-disk check: cannot mount a small tmpfs here: ${(mounted.stderr || String(mounted.error)).trim()})`); return; }
  try {
    const r = sphere(['image', 'pack', approot(), '--destination', join(small, 'x.imagepackage'), '--target-api-set', '16'], { env });
    assert.is(r.code, 1, r.stderr);
    assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /Cannot write file ".*x\.imagepackage": the disk is full\. Free some space or choose a destination on another disk\./);
    assert.equal(readdirSync(small), []);
  } finally {
    spawnSync('umount', [small]);
  }
});

test('a destination in a missing folder: one line, exit code 2, nothing left behind', () => {
  const root = approot();
  const before = readdirSync(t.dir).sort();
  const r = sphere(['image', 'pack', root, '--destination', join(t.dir, 'missing', 'x.imagepackage'), '--target-api-set', '16'], { env });
  assert.is(r.code, 2, r.stderr);
  assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, /Cannot write file ".*x\.imagepackage": its folder does not exist/);
  assert.equal(readdirSync(t.dir).sort(), before);
});

test.run();
