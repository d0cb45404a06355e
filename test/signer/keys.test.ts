import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import {
  SignerError,
  generateKeyPair,
  isPublicPoint,
  privateKeyFromPem,
  privateKeyToPem,
  publicKeyToPem,
  publicPointFromPem,
  publicPointFromPrivateKey,
} from '../../signer/index';
import { hex, openssl, expectCode, scratch } from './_helpers';

const { dir, path } = scratch('signer-keys-');

/** The private scalar and public point as `openssl pkey -text` prints them. */
function opensslKeyText(file: string): { priv: string; pub: string } {
  const text = openssl('pkey', '-in', file, '-text', '-noout');
  const block = (label: string): string =>
    (new RegExp(`${label}:\\s*\\n((?:\\s+[0-9a-f:]+\\n)+)`).exec(text)?.[1] ?? '').replace(/[\s:]/g, '');
  return { priv: block('priv'), pub: block('pub') };
}


test('generateKeyPair: a 32-byte scalar and its 65-byte uncompressed point', () => {
  const kp = generateKeyPair();
  assert.is(kp.privateKey.length, 32);
  assert.is(kp.publicKey.length, 65);
  assert.is(kp.publicKey[0], 4);
  assert.ok(isPublicPoint(kp.publicKey));
  assert.equal(publicPointFromPrivateKey(kp.privateKey), kp.publicKey);
  assert.not.equal(generateKeyPair().privateKey, kp.privateKey);
  const seed = new Uint8Array(48).fill(9);
  assert.equal(generateKeyPair({ seed }).privateKey, generateKeyPair({ seed }).privateKey);
});

test('our PKCS#8 PEM is read by openssl pkey, which finds the same scalar and point', () => {
  const kp = generateKeyPair();
  const pem = privateKeyToPem(kp.privateKey);
  assert.match(pem, /^-----BEGIN PRIVATE KEY-----\n/);
  writeFileSync(path('k.pem'), pem);
  const o = opensslKeyText(path('k.pem'));
  assert.is(o.priv.replace(/^00/, '').padStart(64, '0'), hex(kp.privateKey));
  assert.is(o.pub, hex(kp.publicKey));
  // openssl re-encodes it as PKCS#8 byte for byte: our DER is the canonical one.
  assert.is(openssl('pkey', '-in', path('k.pem')), pem);
  assert.equal(privateKeyFromPem(pem), kp.privateKey);
});

test('our SPKI PEM is read by openssl pkey -pubin; publicPointFromPem reads it back', () => {
  const kp = generateKeyPair();
  const pem = publicKeyToPem(kp.publicKey);
  writeFileSync(path('p.pem'), pem);
  assert.is(openssl('pkey', '-pubin', '-in', path('p.pem')), pem);
  assert.match(openssl('pkey', '-pubin', '-in', path('p.pem'), '-text', '-noout'), 'NIST CURVE: P-256');
  assert.equal(publicPointFromPem(pem), kp.publicKey);
});

test('keys made by openssl: PKCS#8 and SEC1, scalar and point as openssl prints them', () => {
  openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', path('p8.pem'));
  openssl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', path('sec1.pem'));
  for (const f of ['p8.pem', 'sec1.pem']) {
    const pem = readFileSync(path(f), 'utf8');
    const o = opensslKeyText(path(f));
    assert.is(hex(privateKeyFromPem(pem)), o.priv.replace(/^00/, '').padStart(64, '0'), f);
    assert.is(hex(publicPointFromPem(pem)), o.pub, f);
  }
  assert.match(readFileSync(path('sec1.pem'), 'utf8'), 'BEGIN EC PRIVATE KEY');
});

test('publicPointFromPem reads a certificate made by openssl req', () => {
  openssl('req', '-x509', '-new', '-key', path('p8.pem'), '-subj', '/CN=ossl', '-days', '2', '-out', path('c.pem'));
  assert.is(hex(publicPointFromPem(readFileSync(path('c.pem'), 'utf8'))), opensslKeyText(path('p8.pem')).pub);
});

test('other curves, RSA, encrypted keys and garbage are refused with SignerError', () => {
  openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384', '-out', path('p384.pem'));
  openssl('genpkey', '-algorithm', 'ED25519', '-out', path('ed.pem'));
  expectCode(() => privateKeyFromPem(readFileSync(path('p384.pem'), 'utf8')), 'UNSUPPORTED_KEY');
  expectCode(() => publicPointFromPem(readFileSync(path('p384.pem'), 'utf8')), 'UNSUPPORTED_KEY');
  expectCode(() => privateKeyFromPem(readFileSync(path('ed.pem'), 'utf8')), 'UNSUPPORTED_KEY');
  openssl('ec', '-in', path('sec1.pem'), '-aes128', '-passout', 'pass:x', '-out', path('enc.pem'));
  expectCode(() => privateKeyFromPem(readFileSync(path('enc.pem'), 'utf8')), 'PEM_ENCRYPTED');
  openssl('pkcs8', '-topk8', '-in', path('p8.pem'), '-passout', 'pass:x', '-out', path('enc8.pem'));
  expectCode(() => privateKeyFromPem(readFileSync(path('enc8.pem'), 'utf8')), 'BAD_KEY');
  expectCode(() => privateKeyFromPem('hello'), 'BAD_KEY');
  expectCode(() => privateKeyFromPem('-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n'), 'BAD_KEY');
  expectCode(() => publicPointFromPem('-----BEGIN PUBLIC KEY-----\n%%%%\n-----END PUBLIC KEY-----\n'), 'BAD_PEM');
  expectCode(() => publicPointFromPem(''), 'BAD_KEY');
});

test('points off the curve or of the wrong size are not public keys', () => {
  const kp = generateKeyPair();
  const off = kp.publicKey.slice();
  off[64]! ^= 1;
  assert.ok(!isPublicPoint(off));
  assert.ok(!isPublicPoint(kp.publicKey.subarray(0, 33)));
  assert.throws(() => publicKeyToPem(off), TypeError);
});

test('the curve check agrees with OpenSSL: its keys are points, and any change to x, y or the prefix is refused', () => {
  for (let i = 0; i < 8; i++) {
    openssl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', path(`k${i}.pem`));
    const point = Buffer.from(opensslKeyText(path(`k${i}.pem`)).pub, 'hex');
    assert.ok(isPublicPoint(new Uint8Array(point)), `openssl key ${i}`);
    for (const at of [0, 1, 20, 32, 33, 50, 64]) {
      const bad = new Uint8Array(point);
      bad[at]! ^= 0x40;
      assert.ok(!isPublicPoint(bad), `byte ${at} changed`);
    }
  }
  // x or y not below p (here all ones) is no field element, whatever the equation says.
  assert.ok(!isPublicPoint(Uint8Array.of(4, ...new Uint8Array(64).fill(0xff))));
  assert.ok(!isPublicPoint(new Uint8Array(65)));
});

test('a seed gives the key its reduction names: (seed mod (n − 1)) + 1, checked by OpenSSL deriving the same point', () => {
  const seed = new Uint8Array(48).fill(0xff);
  const n = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
  const want = ((BigInt('0x' + 'ff'.repeat(48)) % (n - 1n)) + 1n).toString(16).padStart(64, '0');
  const kp = generateKeyPair({ seed });
  assert.is(hex(kp.privateKey), want);
  writeFileSync(path('seeded.pem'), privateKeyToPem(kp.privateKey));
  assert.is(opensslKeyText(path('seeded.pem')).pub, hex(kp.publicKey));
  assert.throws(() => generateKeyPair({ seed: new Uint8Array(47) }), TypeError);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
