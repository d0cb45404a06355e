/**
 * ECDSA P-256 over SHA-256, the image signature algorithm (imagepackage spec §2.5): signatures
 * are raw r‖s (64 bytes). Signing is deterministic (RFC 6979) so the same inputs give the same
 * package bytes: the nonce comes from the RFC's HMAC-SHA-256 generator and k·G from OpenSSL, both
 * through node:crypto, so a command's one signature costs well under a millisecond instead of the
 * tens a cold pure-JavaScript curve takes; the tests hold every signature equal to noble's. Hashing
 * and whole-message verification go through node:crypto too, so a large package verifies at
 * OpenSSL speed. Also the raw ⇄ DER conversions, with strict DER parsing, and a tolerant reader for
 * signatures handed back by external tools.
 */
import { createECDH, createHash, createHmac, createVerify, randomBytes, verify as nodeVerify, type KeyObject, type Verify } from 'node:crypto';
import { ecdsa, weierstrass } from '@noble/curves/abstract/weierstrass.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { SignerError } from './errors';
import { DIGEST_LENGTH, P256_B, P256_GX, P256_GY, P256_ORDER, P256_PRIME, SCALAR_LENGTH, SIGNATURE_LENGTH } from './format';
import { TAG, readChildren, readOnly, readUnsignedInteger, sequence, unsignedInteger } from './der';
import { assertPrivateKey, bigFromBytes, publicKeyObject, assertPublicPoint, scalarBytes } from './keys';

/** SHA-256 of `message`: the 32 bytes that are actually signed. */
export function digestOf(message: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(message).digest());
}

function _assertDigest(digest: Uint8Array): void {
  if (!(digest instanceof Uint8Array) || digest.length !== DIGEST_LENGTH) {
    throw new TypeError(`A SHA-256 digest is ${DIGEST_LENGTH} bytes, got ${(digest as Uint8Array | undefined)?.length ?? 'none'}`);
  }
}

let _p256: ReturnType<typeof ecdsa> | undefined;

/**
 * noble's ECDSA over P-256 with SHA-256 for checks of a bare digest (`verifyDigest`), built on
 * first use. Its blinding randomness comes from node:crypto; a small base-point table (window 4)
 * suits the few checks a command makes.
 */
function p256(): ReturnType<typeof ecdsa> {
  if (!_p256) {
    const rng = (n = 32): Uint8Array<ArrayBuffer> => { const b = new Uint8Array(n); b.set(randomBytes(n)); return b; };
    const Point = weierstrass({ p: P256_PRIME, n: P256_ORDER, h: 1n, a: P256_PRIME - 3n, b: P256_B, Gx: P256_GX, Gy: P256_GY }, { randomBytes: rng });
    Point.BASE.precompute(4, true);
    _p256 = ecdsa(Point, sha256, { randomBytes: rng });
  }
  return _p256;
}

const _hmac = (key: Uint8Array, ...parts: Uint8Array[]): Buffer => {
  const h = createHmac('sha256', key);
  for (const p of parts) h.update(p);
  return h.digest();
};

/** a⁻¹ mod m for m prime and 0 < a < m (extended Euclid). */
function _inverse(a: bigint, m: bigint): bigint {
  let [r0, r1, t0, t1] = [m, a, 0n, 1n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [t0, t1] = [t1, t0 - q * t1];
  }
  return t0 < 0n ? t0 + m : t0;
}

/**
 * Sign a precomputed SHA-256 digest; returns raw r‖s. Deterministic (RFC 6979 §3.2 nonce with
 * HMAC-SHA-256, no extra entropy) and not low-S normalised, so the output is exactly the RFC's:
 * verifiers accept both halves. For P-256 with SHA-256 the digest and the order are both 256 bits,
 * so bits2int is the plain big-endian integer and bits2octets its value mod n.
 */
export function signDigest(digest: Uint8Array, privateKey: Uint8Array): Uint8Array {
  _assertDigest(digest);
  assertPrivateKey(privateKey);
  const n = P256_ORDER;
  const d = bigFromBytes(privateKey);
  const z = bigFromBytes(digest) % n;
  const seed = [scalarBytes(d), scalarBytes(z)];
  let v: Uint8Array = Buffer.alloc(32, 0x01);
  let k: Uint8Array = Buffer.alloc(32, 0x00);
  k = _hmac(k, v, Uint8Array.of(0x00), ...seed);
  v = _hmac(k, v);
  k = _hmac(k, v, Uint8Array.of(0x01), ...seed);
  v = _hmac(k, v);
  const ecdh = createECDH('prime256v1');
  for (;;) {
    v = _hmac(k, v);
    const nonce = bigFromBytes(v);
    if (nonce >= 1n && nonce < n) {
      // k·G in OpenSSL: the "public key" of the nonce taken as a private key (04‖x‖y).
      ecdh.setPrivateKey(v);
      const r = bigFromBytes(ecdh.getPublicKey().subarray(1, 1 + SCALAR_LENGTH)) % n;
      const s = r === 0n ? 0n : (_inverse(nonce, n) * ((z + r * d) % n)) % n;
      if (s !== 0n) {
        const out = new Uint8Array(SIGNATURE_LENGTH);
        out.set(scalarBytes(r), 0);
        out.set(scalarBytes(s), SCALAR_LENGTH);
        return out;
      }
    }
    // A nonce out of range (or r or s zero) draws the next one (§3.2 step h.3).
    k = _hmac(k, v, Uint8Array.of(0x00));
    v = _hmac(k, v);
  }
}

/** Sign SHA-256(message); returns the 64-byte raw r‖s signature. */
export function sign(message: Uint8Array, privateKey: Uint8Array): Uint8Array {
  return signDigest(digestOf(message), privateKey);
}

/**
 * node:crypto's key input for checking a raw r‖s signature with `publicKey` (throws on a bad key),
 * or undefined when `signature` has the wrong length to be one (every check is then false).
 */
function rawSignatureKey(publicKey: Uint8Array, signature: Uint8Array): { key: KeyObject; dsaEncoding: 'ieee-p1363' } | undefined {
  const key = publicKeyObject(publicKey);
  return signature.length === SIGNATURE_LENGTH ? { key, dsaEncoding: 'ieee-p1363' } : undefined;
}

/** Verify a raw r‖s signature over SHA-256(message); hashing runs in OpenSSL. */
export function verify(message: Uint8Array, signature: Uint8Array, publicKey: Uint8Array): boolean {
  const key = rawSignatureKey(publicKey, signature);
  return key !== undefined && nodeVerify('sha256', message, key, signature);
}

/**
 * `verify` on libuv's thread pool: hashing a large package then runs beside the caller's own work
 * (a device command connects meanwhile). Same answers as `verify`.
 */
export function verifyAsync(message: Uint8Array, signature: Uint8Array, publicKey: Uint8Array): Promise<boolean> {
  const key = rawSignatureKey(publicKey, signature);
  if (key === undefined) return Promise.resolve(false);
  return new Promise((resolve, reject) => {
    nodeVerify('sha256', message, key, signature, (err, ok) => { if (err) reject(err); else resolve(ok); });
  });
}

/**
 * A signature check over bytes fed in order by `update` (a file streamed through a small buffer),
 * checked once by `verify`; the SHA-256 runs in OpenSSL as `verify` does. Same answers.
 */
export class StreamVerifier {
  readonly #hash: Verify = createVerify('sha256');
  #used = false;

  update(chunk: Uint8Array): void {
    if (this.#used) throw new TypeError('StreamVerifier.update: already verified');
    this.#hash.update(chunk);
  }

  verify(signature: Uint8Array, publicKey: Uint8Array): boolean {
    if (this.#used) throw new TypeError('StreamVerifier.verify: already used');
    this.#used = true;
    const key = rawSignatureKey(publicKey, signature);
    return key !== undefined && this.#hash.verify(key, signature);
  }
}

/**
 * A signature check over the start of one buffer, hashed while the buffer is still being filled
 * (a package read from disk piece by piece), so that once the last piece is in, only the few bytes
 * after it and the ECDSA check are left. `advance(n)` hashes up to byte `n`, but never into the
 * buffer's last `reserve` bytes, where the signature itself lies. `verify` applies to a `signed`
 * that starts the buffer and is no shorter than what was hashed (`covers` says so), once; any
 * other check goes through `verify`/`verifyAsync`. Same answers as they give.
 */
export class PrefixVerifier {
  readonly #bytes: Uint8Array;
  readonly #limit: number;
  readonly #hash: Verify = createVerify('sha256');
  #hashed = 0;
  #used = false;

  constructor(bytes: Uint8Array, reserve = 4096) {
    this.#bytes = bytes;
    this.#limit = Math.max(0, bytes.length - reserve);
  }

  /** Bytes [0, upTo) of the buffer are final. */
  advance(upTo: number): void {
    const end = Math.min(upTo, this.#limit);
    if (this.#used || end <= this.#hashed) return;
    this.#hash.update(this.#bytes.subarray(this.#hashed, end));
    this.#hashed = end;
  }

  covers(signed: Uint8Array): boolean {
    return !this.#used && signed.buffer === this.#bytes.buffer && signed.byteOffset === this.#bytes.byteOffset
      && signed.length >= this.#hashed && signed.length <= this.#bytes.length;
  }

  /** `verify(signed, signature, publicKey)`, finishing the hash begun by `advance`. */
  verify(signed: Uint8Array, signature: Uint8Array, publicKey: Uint8Array): boolean {
    if (!this.covers(signed)) throw new TypeError('PrefixVerifier.verify: the signed bytes are not the start of this buffer, or it was used already');
    const key = rawSignatureKey(publicKey, signature);
    this.#used = true;
    if (key === undefined) return false;
    this.#hash.update(signed.subarray(this.#hashed));
    return this.#hash.verify(key, signature);
  }
}

/** Verify a raw r‖s signature against a precomputed SHA-256 digest. */
export function verifyDigest(digest: Uint8Array, signature: Uint8Array, publicKey: Uint8Array): boolean {
  _assertDigest(digest);
  assertPublicPoint(publicKey);
  if (signature.length !== SIGNATURE_LENGTH) return false;
  try {
    return p256().verify(signature, digest, publicKey, { prehash: false, lowS: false, format: 'compact' });
  } catch {
    return false;
  }
}

function _badEncoding(why: string): SignerError {
  return new SignerError(
    `Cannot read signature: ${why}. Give an ECDSA P-256 signature as DER, 64 raw bytes (r‖s), or hex/base64 text of either.`,
    { code: 'BAD_SIGNATURE_ENCODING' },
  );
}

function _scalarInRange(b: Uint8Array): boolean {
  const v = bigFromBytes(b);
  return v > 0n && v < P256_ORDER;
}

/** Raw r‖s to DER `SEQUENCE { INTEGER r, INTEGER s }`. */
export function rawToDer(raw: Uint8Array): Uint8Array {
  if (raw.length !== SIGNATURE_LENGTH) throw _badEncoding(`raw signatures are ${SIGNATURE_LENGTH} bytes, got ${raw.length}`);
  return sequence(unsignedInteger(raw.subarray(0, SCALAR_LENGTH)), unsignedInteger(raw.subarray(SCALAR_LENGTH)));
}

/** Strict DER `ECDSA-Sig-Value` to raw r‖s; anything but canonical DER with r, s in [1, n-1] is refused. */
export function derToRaw(der: Uint8Array): Uint8Array {
  let parts: Uint8Array[];
  try {
    const seq = readOnly(der, TAG.SEQUENCE);
    const children = readChildren(seq.content);
    if (children.length !== 2) throw new Error(`expected 2 integers, got ${children.length} elements`);
    parts = children.map(readUnsignedInteger);
  } catch (e) {
    throw _badEncoding(`not a DER ECDSA signature (${(e as Error).message})`);
  }
  const out = new Uint8Array(SIGNATURE_LENGTH);
  for (const [i, v] of parts.entries()) {
    if (v.length > SCALAR_LENGTH || !_scalarInRange(v)) throw _badEncoding(`${i === 0 ? 'r' : 's'} is out of range for P-256`);
    out.set(v, SCALAR_LENGTH * (i + 1) - v.length);
  }
  return out;
}

/**
 * Binary forms: strict DER, or exactly 64 raw bytes. Undefined when the bytes are neither; a DER
 * parse error is kept in `derError` so it can be reported if no other reading fits (text such as
 * hex may start with "0", the same byte as a DER SEQUENCE tag).
 */
function _binary(bytes: Uint8Array, derError?: { error?: unknown }): Uint8Array | undefined {
  if (bytes[0] === TAG.SEQUENCE) {
    try {
      return derToRaw(bytes);
    } catch (e) {
      if (derError) derError.error = e;
    }
  }
  if (bytes.length === SIGNATURE_LENGTH) {
    if (!_scalarInRange(bytes.subarray(0, SCALAR_LENGTH)) || !_scalarInRange(bytes.subarray(SCALAR_LENGTH))) {
      throw _badEncoding('r or s is out of range for P-256');
    }
    return bytes.slice();
  }
  return undefined;
}

/**
 * Read a signature produced by another tool (an HSM, `openssl dgst -sign`, a KMS CLI): DER,
 * 64 raw bytes, or hex or base64 text of either, surrounding whitespace allowed. Returns raw r‖s.
 * Text forms of a signature never have exactly 64 characters, so 64 bytes that are not strict DER
 * are raw.
 */
export function parseSignature(bytes: Uint8Array): Uint8Array {
  const outer: { error?: unknown } = {};
  const bin = _binary(bytes, outer);
  if (bin !== undefined) return bin;
  const text = Buffer.from(bytes).toString('latin1').replace(/\s+/g, '');
  let decoded: Uint8Array | undefined;
  if (/^([0-9a-fA-F]{2})+$/.test(text)) decoded = new Uint8Array(Buffer.from(text, 'hex'));
  else if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) decoded = new Uint8Array(Buffer.from(text, /[-_]/.test(text) ? 'base64url' : 'base64'));
  if (decoded === undefined || decoded.length === 0) {
    if (outer.error) throw outer.error;
    throw _badEncoding(`${bytes.length} bytes that are neither DER, raw nor hex/base64 text`);
  }
  const inner: { error?: unknown } = {};
  const result = _binary(decoded, inner);
  if (result !== undefined) return result;
  if (inner.error) throw inner.error;
  throw _badEncoding(`the text decodes to ${decoded.length} bytes that are neither DER nor raw r‖s`);
}
