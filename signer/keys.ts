/**
 * P-256 keys: generation, PKCS#8 / SPKI PEM reading and writing, and the 65-byte uncompressed
 * public point 04‖x‖y that the trust store, the device ID and the certificates use
 * (architecture decision 3). A private key is carried as its 32-byte big-endian scalar.
 */
import { X509Certificate, createPrivateKey, createPublicKey, randomBytes, type KeyObject } from 'node:crypto';
import { SignerError } from './errors';
import { P256_B, P256_ORDER, P256_PRIME, PUBLIC_POINT_LENGTH, PUBLIC_POINT_PREFIX, SCALAR_LENGTH } from './format';
import { concatBytes } from './der';
import { parsePemBlocks, toHex } from './pem';

export interface KeyPair {
  /** 32-byte secret scalar. */
  privateKey: Uint8Array;
  /** 65-byte uncompressed public point 04‖x‖y. */
  publicKey: Uint8Array;
}

/** New random P-256 key pair. `seed` (48 bytes) makes it reproducible, for tests only. */
export function generateKeyPair(options: { seed?: Uint8Array } = {}): KeyPair {
  const seed = options.seed ?? new Uint8Array(randomBytes(_SEED_LENGTH));
  if (!(seed instanceof Uint8Array) || seed.length !== _SEED_LENGTH) throw new TypeError(`A key seed is ${_SEED_LENGTH} bytes, got ${(seed as Uint8Array | undefined)?.length ?? 'none'}`);
  // Reduced into [1, n-1] from 128 more bits than the order has, so the bias is negligible (FIPS 186-5 A.2.1).
  const d = (bigFromBytes(seed) % (P256_ORDER - 1n)) + 1n;
  const privateKey = scalarBytes(d);
  return { privateKey, publicKey: publicPointFromPrivateKey(privateKey) };
}

/** Random bytes reduced to a scalar: 256 + 128 bits. */
const _SEED_LENGTH = 48;

/** A big-endian byte string as an integer. */
export const bigFromBytes = (b: Uint8Array): bigint => BigInt(`0x${toHex(b) || '0'}`);

/** A scalar (0 ≤ x < 2²⁵⁶) as its 32 big-endian bytes. */
export function scalarBytes(x: bigint): Uint8Array {
  return new Uint8Array(Buffer.from(x.toString(16).padStart(SCALAR_LENGTH * 2, '0'), 'hex'));
}

export function assertPrivateKey(privateKey: Uint8Array): void {
  if (!(privateKey instanceof Uint8Array) || privateKey.length !== SCALAR_LENGTH || !_inOrder(bigFromBytes(privateKey))) {
    throw new TypeError(`A P-256 private key is a 32-byte scalar in [1, n-1]`);
  }
}

function _inOrder(d: bigint): boolean {
  return d > 0n && d < P256_ORDER;
}

/**
 * 04‖x‖y with x, y field elements satisfying the curve equation y² = x³ − 3x + b (mod p). The
 * curve's cofactor is 1, so every such point is in the signing group; the point at infinity has
 * no uncompressed form.
 */
export function isPublicPoint(point: Uint8Array): boolean {
  if (!(point instanceof Uint8Array) || point.length !== PUBLIC_POINT_LENGTH || point[0] !== PUBLIC_POINT_PREFIX) return false;
  const x = bigFromBytes(point.subarray(1, 1 + SCALAR_LENGTH));
  const y = bigFromBytes(point.subarray(1 + SCALAR_LENGTH));
  if (x >= P256_PRIME || y >= P256_PRIME) return false;
  const p = P256_PRIME;
  return (y * y) % p === (((x * x) % p) * x - 3n * x + P256_B + 3n * p) % p;
}

export function assertPublicPoint(point: Uint8Array): void {
  if (!isPublicPoint(point)) throw new TypeError('A P-256 public key is a 65-byte uncompressed point (04‖x‖y) on the curve');
}

/** SEC1 ECPrivateKey prefix for a P-256 scalar (version 1, the 32-byte key) and its curve suffix. */
const _SEC1_HEAD = Uint8Array.of(0x30, 0x31, 0x02, 0x01, 0x01, 0x04, 0x20);
const _SEC1_TAIL = Uint8Array.of(0xa0, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07);

/**
 * d·G by OpenSSL (node:crypto derives the public half of a SEC1 key that carries none): far
 * cheaper for a one-off than building a JavaScript base-point table first.
 */
export function publicPointFromPrivateKey(privateKey: Uint8Array): Uint8Array {
  assertPrivateKey(privateKey);
  const key = createPrivateKey({ key: Buffer.from(concatBytes(_SEC1_HEAD, privateKey, _SEC1_TAIL)), format: 'der', type: 'sec1' });
  const jwk = createPublicKey(key).export({ format: 'jwk' });
  return concatBytes(Uint8Array.of(PUBLIC_POINT_PREFIX), _fromJwkCoordinate(jwk.x), _fromJwkCoordinate(jwk.y));
}

const b64u = (b: Uint8Array): string => Buffer.from(b).toString('base64url');

function _jwk(point: Uint8Array, privateKey?: Uint8Array) {
  const jwk = { kty: 'EC', crv: 'P-256', x: b64u(point.subarray(1, 33)), y: b64u(point.subarray(33, 65)) };
  return privateKey === undefined ? jwk : { ...jwk, d: b64u(privateKey) };
}

/** Node KeyObject for a public point (used for OpenSSL-speed verification and PEM export). */
export function publicKeyObject(point: Uint8Array): KeyObject {
  assertPublicPoint(point);
  return createPublicKey({ key: _jwk(point), format: 'jwk' });
}

export function privateKeyObject(privateKey: Uint8Array): KeyObject {
  return createPrivateKey({ key: _jwk(publicPointFromPrivateKey(privateKey), privateKey), format: 'jwk' });
}

/** PKCS#8 PEM ("BEGIN PRIVATE KEY"), the form `openssl pkey` and Node's TLS read. */
export function privateKeyToPem(privateKey: Uint8Array): string {
  return privateKeyObject(privateKey).export({ type: 'pkcs8', format: 'pem' }).toString();
}

/** SubjectPublicKeyInfo PEM ("BEGIN PUBLIC KEY"). */
export function publicKeyToPem(point: Uint8Array): string {
  return publicKeyObject(point).export({ type: 'spki', format: 'pem' }).toString();
}

function _fromJwkCoordinate(v: unknown): Uint8Array {
  const b = typeof v === 'string' ? new Uint8Array(Buffer.from(v, 'base64url')) : new Uint8Array(0);
  if (b.length > SCALAR_LENGTH) throw new SignerError('Cannot read key: coordinate too long.', { code: 'BAD_KEY' });
  const out = new Uint8Array(SCALAR_LENGTH);
  out.set(b, SCALAR_LENGTH - b.length);
  return out;
}

/** Refuse anything but an EC P-256 key, naming `what` in the message. */
export function checkP256(key: KeyObject, what: string): void {
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    const kind = key.asymmetricKeyType === 'ec' ? `EC ${key.asymmetricKeyDetails?.namedCurve ?? '?'}` : String(key.asymmetricKeyType);
    throw new SignerError(`Cannot use ${what}: it is a ${kind} key, not ECDSA P-256. Create a P-256 key (e.g. "sphere ca init").`, {
      code: 'UNSUPPORTED_KEY',
    });
  }
}

/** The uncompressed point of a (checked) P-256 KeyObject. */
export function pointOfKeyObject(key: KeyObject): Uint8Array {
  const jwk = key.export({ format: 'jwk' });
  return concatBytes(Uint8Array.of(PUBLIC_POINT_PREFIX), _fromJwkCoordinate(jwk.x), _fromJwkCoordinate(jwk.y));
}

/** Read a PKCS#8 ("PRIVATE KEY") or SEC1 ("EC PRIVATE KEY") PEM P-256 key to its 32-byte scalar. */
export function privateKeyFromPem(pem: string): Uint8Array {
  const block = parsePemBlocks(pem).find((b) => b.label === 'PRIVATE KEY' || b.label === 'EC PRIVATE KEY');
  if (block === undefined) {
    const found = parsePemBlocks(pem).map((b) => b.label);
    throw new SignerError(
      `Cannot read private key: no "PRIVATE KEY" PEM block found${found.length ? ` (found ${found.join(', ')})` : ''}. Give a PKCS#8 PEM key file.`,
      { code: 'BAD_KEY' },
    );
  }
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: Buffer.from(block.der), format: 'der', type: block.label === 'PRIVATE KEY' ? 'pkcs8' : 'sec1' });
  } catch (cause) {
    throw new SignerError(`Cannot read private key: the PEM does not hold a valid key. Check the file.`, { code: 'BAD_KEY', cause });
  }
  checkP256(key, 'private key');
  return _fromJwkCoordinate(key.export({ format: 'jwk' }).d);
}

/**
 * The public point of whatever PEM is given: a public key (SPKI), a private key (PKCS#8 or
 * SEC1) or a certificate. The first key-bearing block wins.
 */
export function publicPointFromPem(pem: string): Uint8Array {
  for (const block of parsePemBlocks(pem)) {
    let key: KeyObject | undefined;
    try {
      if (block.label === 'PUBLIC KEY') key = createPublicKey({ key: Buffer.from(block.der), format: 'der', type: 'spki' });
      else if (block.label === 'CERTIFICATE') key = new X509Certificate(Buffer.from(block.der)).publicKey;
      else if (block.label === 'PRIVATE KEY' || block.label === 'EC PRIVATE KEY') {
        key = createPublicKey(createPrivateKey({ key: Buffer.from(block.der), format: 'der', type: block.label === 'PRIVATE KEY' ? 'pkcs8' : 'sec1' }));
      }
    } catch (cause) {
      throw new SignerError(`Cannot read public key from PEM block "${block.label}": it is not valid. Check the file.`, {
        code: 'BAD_KEY',
        cause,
      });
    }
    if (key !== undefined) {
      checkP256(key, `the key of PEM block "${block.label}"`);
      return pointOfKeyObject(key);
    }
  }
  throw new SignerError('Cannot read public key: the text holds no PUBLIC KEY, PRIVATE KEY or CERTIFICATE PEM block. Give a PEM file.', {
    code: 'BAD_KEY',
  });
}
