import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import {
  SignerError,
  derToRaw,
  digestOf,
  generateKeyPair,
  parseSignature,
  PrefixVerifier,
  privateKeyFromPem,
  publicKeyToPem,
  publicPointFromPem,
  publicPointFromPrivateKey,
  rawToDer,
  sign,
  signDigest,
  verify,
  verifyDigest,
} from '../../signer/index';
import { hex, openssl, expectCode, scratch } from './_helpers';
import { randomBytes } from 'node:crypto';
import { ecdsa, weierstrass } from '@noble/curves/abstract/weierstrass.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { P256_B, P256_GX, P256_GY, P256_ORDER, P256_PRIME } from '../../signer/format';

const unhex = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, 'hex'));
const { dir, path } = scratch('signer-ecdsa-');


// RFC 6979 appendix A.2.5 (ECDSA, 256 bits, P-256): key pair and the SHA-256 signatures.
const RFC = {
  x: 'c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721',
  ux: '60fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6',
  uy: '7903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299',
  sample: {
    k: 'a6e3c57dd01abe90086538398355dd4c3b17aa873382b0f24d6129493d8aad60',
    r: 'efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716',
    s: 'f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8',
  },
  test: {
    k: 'd16b6ae827f17175e040871a1c7ec3500192c4c92677336ec2537acaee0008e0',
    r: 'f1abb023518351cd71d881567b1ea663ed3efcf6c5132b354f28d3b0b7d38367',
    s: '019f4113742a2b14bd25926b49c649155f267e60d3814b4c0cc84250e46f0083',
  },
};

test('RFC 6979 A.2.5: public key of x is (Ux, Uy)', () => {
  assert.is(hex(publicPointFromPrivateKey(unhex(RFC.x))), `04${RFC.ux}${RFC.uy}`);
});

test('RFC 6979 A.2.5: sign("sample") and sign("test") give the published r and s', () => {
  const key = unhex(RFC.x);
  for (const m of ['sample', 'test'] as const) {
    const sig = sign(new TextEncoder().encode(m), key);
    assert.is(hex(sig), RFC[m].r + RFC[m].s, m);
  }
});

test('RFC 6979 rejection vector (C2SP CCTV, key of A.2.5, message "wv[vnX"): the first nonce is out of range and the next one signs', () => {
  // Published with k = 2AE40DF9…, r and s below; checked there against three other implementations.
  const sig = sign(new TextEncoder().encode('wv[vnX'), unhex(RFC.x));
  assert.is(hex(sig), 'efd9073b652e76da1b5a019c0e4a2e3fa529b035a6abb91ef67f0ed7a1f21234' + '3db4706c9d9f4a4fe13bb5e08ef0fab53a57dbab2061c83a35fa411c68d2ba33');
});

test('signDigest equals noble\'s RFC 6979 signature for 300 random keys and digests (extreme scalars too)', () => {
  const rng = (n = 32): Uint8Array<ArrayBuffer> => { const b = new Uint8Array(n); b.set(randomBytes(n)); return b; };
  const Point = weierstrass({ p: P256_PRIME, n: P256_ORDER, h: 1n, a: P256_PRIME - 3n, b: P256_B, Gx: P256_GX, Gy: P256_GY });
  const noble = ecdsa(Point, sha256, { randomBytes: rng });
  const scalar = (x: bigint) => unhex(x.toString(16).padStart(64, '0'));
  const keys = [scalar(1n), scalar(P256_ORDER - 1n), scalar(2n ** 255n)];
  const digests = [new Uint8Array(32), new Uint8Array(32).fill(0xff), scalar(P256_ORDER), scalar(P256_ORDER - 1n)];
  for (let i = 0; i < 300; i++) {
    const key = keys[i] ?? generateKeyPair().privateKey;
    const digest = digests[i % 7] ?? new Uint8Array(randomBytes(32));
    const ours = signDigest(digest, key);
    const theirs = noble.sign(digest, key, { prehash: false, lowS: false, extraEntropy: false, format: 'compact' });
    assert.is(hex(ours), hex(theirs), `key ${hex(key)} digest ${hex(digest)}`);
    assert.ok(verifyDigest(digest, ours, publicPointFromPrivateKey(key)));
  }
});

test('signDigest over SHA-256("sample") equals sign("sample"); the digest is the hashlib one', () => {
  const msg = new TextEncoder().encode('sample');
  const py = execFileSync('python3', ['-c', 'import hashlib;print(hashlib.sha256(b"sample").hexdigest())'], { encoding: 'utf8' }).trim();
  assert.is(hex(digestOf(msg)), py);
  assert.is(hex(signDigest(unhex(py), unhex(RFC.x))), RFC.sample.r + RFC.sample.s);
});

test('the same input gives the same signature bytes', () => {
  const { privateKey } = generateKeyPair();
  const msg = new Uint8Array(1000).fill(7);
  assert.equal(sign(msg, privateKey), sign(msg, privateKey));
  assert.not.equal(sign(msg, privateKey), sign(msg.subarray(1), privateKey));
});

test('our signature, as DER, is accepted by openssl dgst -verify; a changed message is not', () => {
  const kp = generateKeyPair();
  const msg = new TextEncoder().encode('an image package, more or less\n');
  writeFileSync(path('msg'), msg);
  writeFileSync(path('msg2'), new TextEncoder().encode('an image package, more or lesS\n'));
  writeFileSync(path('pub.pem'), publicKeyToPem(kp.publicKey));
  writeFileSync(path('sig.der'), rawToDer(sign(msg, kp.privateKey)));
  assert.match(openssl('dgst', '-sha256', '-verify', path('pub.pem'), '-signature', path('sig.der'), path('msg')), 'Verified OK');
  const bad = spawnSync('openssl', ['dgst', '-sha256', '-verify', path('pub.pem'), '-signature', path('sig.der'), path('msg2')]);
  assert.is.not(bad.status, 0);
});

test('a signature made by openssl dgst -sign converts to raw and verifies here', () => {
  openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', path('ossl.key'));
  const msg = new Uint8Array(4096).map((_, i) => (i * 31) & 0xff);
  writeFileSync(path('m.bin'), msg);
  openssl('dgst', '-sha256', '-sign', path('ossl.key'), '-out', path('ossl.sig'), path('m.bin'));
  const der = new Uint8Array(readFileSync(path('ossl.sig')));
  const raw = derToRaw(der);
  assert.is(raw.length, 64);
  const pub = publicPointFromPem(readFileSync(path('ossl.key'), 'utf8'));
  assert.ok(verify(msg, raw, pub));
  assert.ok(verifyDigest(digestOf(msg), raw, pub));
  assert.ok(!verify(msg.subarray(1), raw, pub));
  assert.equal(rawToDer(raw), der, 'round trip gives the same canonical DER');
  // And our signer with openssl's key file.
  const sig = sign(msg, privateKeyFromPem(readFileSync(path('ossl.key'), 'utf8')));
  writeFileSync(path('our.sig'), rawToDer(sig));
  openssl('pkey', '-in', path('ossl.key'), '-pubout', '-out', path('ossl.pub'));
  assert.match(openssl('dgst', '-sha256', '-verify', path('ossl.pub'), '-signature', path('our.sig'), path('m.bin')), 'Verified OK');
});

test('PrefixVerifier: a buffer hashed piece by piece as it fills checks openssl\'s signature over its start', () => {
  openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', path('prefix.key'));
  // A "package": 300,000 signed bytes, then the 64-byte signature (here zeros; only the start is signed).
  const signedLength = 300_000;
  const buf = new Uint8Array(signedLength + 64).map((_, i) => (i * 7 + (i >> 9)) & 0xff);
  writeFileSync(path('prefix.msg'), buf.subarray(0, signedLength));
  openssl('dgst', '-sha256', '-sign', path('prefix.key'), '-out', path('prefix.sig'), path('prefix.msg'));
  const sig = derToRaw(new Uint8Array(readFileSync(path('prefix.sig'))));
  const pub = publicPointFromPem(readFileSync(path('prefix.key'), 'utf8'));
  const signed = buf.subarray(0, signedLength);
  const fill = (v: PrefixVerifier, steps: number[]) => { for (const n of steps) v.advance(n); };

  // Pieces in any sizes, including repeats and going past the end: the reserve keeps the tail out.
  for (const steps of [[], [1], [65536, 131072, 131072, 300_064], [299_999, 300_064, 300_064], [300_064]]) {
    const v = new PrefixVerifier(buf);
    fill(v, steps);
    assert.ok(v.covers(signed), `covers after ${steps}`);
    assert.ok(v.verify(signed, sig, pub), `verifies after ${steps}`);
    assert.not.ok(v.covers(signed), 'one use');
  }
  // A reserve of 64 bytes (exactly the signature): hashing the whole signed part before verify.
  const exact = new PrefixVerifier(buf, 64);
  exact.advance(buf.length);
  assert.ok(exact.verify(signed, sig, pub));

  // A byte changed in the part hashed early, or in the part hashed at the end, fails.
  for (const at of [10, 200_000, signedLength - 1]) {
    const bad = buf.slice();
    bad[at] = bad[at]! ^ 0x80;
    const v = new PrefixVerifier(bad);
    v.advance(250_000);
    assert.not.ok(v.verify(bad.subarray(0, signedLength), sig, pub), `flipped byte ${at}`);
  }
  // A wrong-sized signature is false, as with verify.
  assert.not.ok(new PrefixVerifier(buf).verify(signed, sig.subarray(1), pub));

  // It applies only to a start of its own buffer no shorter than what it hashed.
  const v = new PrefixVerifier(buf);
  v.advance(200_000);
  assert.not.ok(v.covers(buf.slice(0, signedLength)), 'a copy is another buffer');
  assert.not.ok(v.covers(buf.subarray(1, signedLength)), 'not the start');
  assert.not.ok(v.covers(buf.subarray(0, 100_000)), 'shorter than what was hashed');
  assert.throws(() => v.verify(buf.subarray(0, 100_000), sig, pub), TypeError);
  assert.ok(v.verify(signed, sig, pub), 'still usable after a refused call');
});

test('rawToDer writes the INTEGERs openssl asn1parse reads back', () => {
  // r with a high bit (needs a 0x00 pad), s with leading zero bytes (must be trimmed).
  const r = 'ff' + '11'.repeat(31);
  const s = '0000' + '7f'.repeat(30);
  writeFileSync(path('x.der'), rawToDer(unhex(r + s)));
  const out = openssl('asn1parse', '-inform', 'DER', '-in', path('x.der'));
  const ints = [...out.matchAll(/INTEGER\s+:([0-9A-F]+)/g)].map((m) => m[1]!.toLowerCase());
  assert.equal(ints, [r, '7f'.repeat(30)]);
});

test('verify and verifyDigest reject a wrong signature, a wrong length and a flipped bit', () => {
  const kp = generateKeyPair();
  const msg = new TextEncoder().encode('x');
  const sig = sign(msg, kp.privateKey);
  assert.ok(verify(msg, sig, kp.publicKey));
  const flipped = sig.slice();
  flipped[10]! ^= 1;
  assert.ok(!verify(msg, flipped, kp.publicKey));
  assert.ok(!verifyDigest(digestOf(msg), flipped, kp.publicKey));
  assert.ok(!verify(msg, sig.subarray(0, 63), kp.publicKey));
  assert.ok(!verify(msg, new Uint8Array(64), kp.publicKey));
  assert.ok(!verifyDigest(digestOf(msg), new Uint8Array(64), kp.publicKey));
  assert.throws(() => verify(msg, sig, new Uint8Array(65)), TypeError);
});

test('derToRaw refuses anything that is not canonical DER', () => {
  const good = new Uint8Array(readFileSync(path('ossl.sig')));
  assert.is(derToRaw(good).length, 64);
  const intR = (bytes: number[]): number[] => [0x02, bytes.length, ...bytes];
  const seq = (...parts: number[][]): Uint8Array => {
    const body = parts.flat();
    return Uint8Array.from([0x30, body.length, ...body]);
  };
  const cases: Record<string, Uint8Array> = {
    empty: new Uint8Array(0),
    'trailing byte': Uint8Array.from([...good, 0]),
    truncated: good.subarray(0, good.length - 1),
    'wrong outer tag': Uint8Array.from([0x31, ...good.subarray(1)]),
    'long-form short length': Uint8Array.from([0x30, 0x81, good[1]!, ...good.subarray(2)]),
    'indefinite length': Uint8Array.from([0x30, 0x80, ...good.subarray(2), 0, 0]),
    'non-minimal integer': seq(intR([0x00, 0x01]), intR([0x01])),
    'negative integer': seq(intR([0x81]), intR([0x01])),
    'empty integer': seq(intR([]), intR([0x01])),
    'r is zero': seq(intR([0x00]), intR([0x01])),
    'r is n': seq(intR([0x00, ...unhex('ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551')]), intR([0x01])),
    'r too long': seq(intR([0x01, ...new Array<number>(32).fill(0)]), intR([0x01])),
    'three integers': seq(intR([0x01]), intR([0x01]), intR([0x01])),
    'one integer': seq(intR([0x01])),
    'octet string inside': seq([0x04, 1, 1], intR([0x01])),
  };
  for (const [name, bytes] of Object.entries(cases)) {
    try {
      derToRaw(bytes);
      assert.unreachable(name);
    } catch (e) {
      assert.instance(e, SignerError, name);
      assert.is((e as SignerError).code, 'BAD_SIGNATURE_ENCODING', name);
    }
  }
  assert.equal(derToRaw(seq(intR([0x01]), intR([0x02]))), Uint8Array.from([...new Array<number>(31).fill(0), 1, ...new Array<number>(31).fill(0), 2]));
});

test('parseSignature reads DER, raw, hex and base64 (as openssl, xxd and base64 write them)', () => {
  const der = new Uint8Array(readFileSync(path('ossl.sig')));
  const raw = derToRaw(der);
  const b64Der = execFileSync('openssl', ['base64', '-in', path('ossl.sig')]);
  writeFileSync(path('raw.bin'), raw);
  const hexRaw = execFileSync('xxd', ['-p', path('raw.bin')]); // wrapped lines
  const b64Raw = execFileSync('base64', [path('raw.bin')]);
  const forms: Record<string, Uint8Array> = {
    der,
    raw,
    'hex of DER': new TextEncoder().encode(hex(der).toUpperCase() + '\n'),
    'hex of raw (xxd -p)': new Uint8Array(hexRaw),
    'base64 of DER (openssl base64)': new Uint8Array(b64Der),
    'base64 of raw': new Uint8Array(b64Raw),
    'base64url of raw': new TextEncoder().encode(Buffer.from(raw).toString('base64url')),
  };
  for (const [name, bytes] of Object.entries(forms)) assert.equal(parseSignature(bytes), raw, name);
  // Text forms may start with "0", the byte of a DER SEQUENCE tag: hex of an r below 0x10.
  const lowR = new Uint8Array(64);
  lowR[1] = 0x05; lowR[31] = 1; lowR[63] = 1;
  assert.equal(parseSignature(new TextEncoder().encode(hex(lowR))), lowR, 'hex text starting with 0');
  const d0 = lowR.slice();
  d0[0] = 0xd0; // base64 of a first byte 0xd0 starts with "0"
  const b64 = Buffer.from(d0).toString('base64');
  assert.is(b64[0], '0');
  assert.equal(parseSignature(new TextEncoder().encode(b64)), d0, 'base64 text starting with 0');
  expectCode(() => parseSignature(new TextEncoder().encode('not a signature!')), 'BAD_SIGNATURE_ENCODING');
  expectCode(() => parseSignature(new Uint8Array(63)), 'BAD_SIGNATURE_ENCODING');
  expectCode(() => parseSignature(new Uint8Array(64)), 'BAD_SIGNATURE_ENCODING'); // r = s = 0
  expectCode(() => parseSignature(new TextEncoder().encode('abcd')), 'BAD_SIGNATURE_ENCODING');
});

test('misuse throws built-ins: wrong digest or key sizes', () => {
  const kp = generateKeyPair();
  assert.throws(() => signDigest(new Uint8Array(31), kp.privateKey), TypeError);
  assert.throws(() => sign(new Uint8Array(1), new Uint8Array(31)), TypeError);
  assert.throws(() => sign(new Uint8Array(1), new Uint8Array(32)), TypeError); // zero scalar
  assert.throws(() => verifyDigest(new Uint8Array(33), new Uint8Array(64), kp.publicKey), TypeError);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
