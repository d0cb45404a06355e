/**
 * A small ASN.1 DER encoder and a strict TLV reader: just what X.509 certificates and ECDSA
 * signature values need (ITU-T X.690 §8, §10). The reader rejects anything that is not
 * canonical DER (indefinite or non-minimal lengths, truncation), so a signature or certificate
 * that parses here has exactly one byte representation.
 */

export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8_STRING: 0x0c,
  PRINTABLE_STRING: 0x13,
  IA5_STRING: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function _length(n: number): Uint8Array {
  if (n < 0x80) return Uint8Array.of(n);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

export function tlv(tag: number, content: Uint8Array): Uint8Array {
  return concatBytes(Uint8Array.of(tag), _length(content.length), content);
}

export const sequence = (...items: Uint8Array[]): Uint8Array => tlv(TAG.SEQUENCE, concatBytes(...items));
export const set = (...items: Uint8Array[]): Uint8Array => tlv(TAG.SET, concatBytes(...items));
/** Context-specific constructed tag [n], i.e. EXPLICIT tagging. */
export const explicit = (n: number, inner: Uint8Array): Uint8Array => tlv(0xa0 | n, inner);
/** Context-specific primitive tag [n], i.e. IMPLICIT tagging of a primitive type. */
export const implicit = (n: number, content: Uint8Array): Uint8Array => tlv(0x80 | n, content);
export const octetString = (b: Uint8Array): Uint8Array => tlv(TAG.OCTET_STRING, b);
export const boolean = (v: boolean): Uint8Array => tlv(TAG.BOOLEAN, Uint8Array.of(v ? 0xff : 0x00));
export const nullValue = (): Uint8Array => tlv(TAG.NULL, new Uint8Array(0));
export const utf8String = (s: string): Uint8Array => tlv(TAG.UTF8_STRING, new TextEncoder().encode(s));
export const printableString = (s: string): Uint8Array => tlv(TAG.PRINTABLE_STRING, new TextEncoder().encode(s));
export const ia5String = (s: string): Uint8Array => tlv(TAG.IA5_STRING, new TextEncoder().encode(s));

/** BIT STRING whose content is whole bytes (keys, signatures). */
export const bitString = (b: Uint8Array): Uint8Array => tlv(TAG.BIT_STRING, concatBytes(Uint8Array.of(0), b));

/**
 * BIT STRING of a named bit list (keyUsage): DER drops trailing zero bits and records how many
 * bits of the last byte are unused.
 */
export function namedBits(bits: readonly number[]): Uint8Array {
  if (bits.length === 0) return tlv(TAG.BIT_STRING, Uint8Array.of(0));
  const highest = Math.max(...bits);
  const bytes = new Uint8Array(Math.floor(highest / 8) + 1);
  for (const bit of bits) bytes[bit >> 3]! |= 0x80 >> (bit & 7);
  const unused = 7 - (highest & 7);
  return tlv(TAG.BIT_STRING, concatBytes(Uint8Array.of(unused), bytes));
}

/** INTEGER from unsigned big-endian magnitude: minimal, with a 0x00 pad when the top bit is set. */
export function unsignedInteger(magnitude: Uint8Array): Uint8Array {
  let i = 0;
  while (i < magnitude.length - 1 && magnitude[i] === 0) i++;
  const trimmed = magnitude.subarray(i);
  if (trimmed.length === 0) return tlv(TAG.INTEGER, Uint8Array.of(0));
  return tlv(TAG.INTEGER, (trimmed[0]! & 0x80) !== 0 ? concatBytes(Uint8Array.of(0), trimmed) : trimmed);
}

export const smallInteger = (n: number): Uint8Array => unsignedInteger(Uint8Array.of(n));

export function oid(dotted: string): Uint8Array {
  const arcs = dotted.split('.').map((a) => {
    if (!/^\d+$/.test(a)) throw new TypeError(`Not an object identifier: "${dotted}"`);
    return BigInt(a);
  });
  if (arcs.length < 2) throw new TypeError(`Not an object identifier: "${dotted}"`);
  const out: number[] = [];
  const first = arcs[0]! * 40n + arcs[1]!;
  for (const arc of [first, ...arcs.slice(2)]) {
    const chunk: number[] = [Number(arc & 0x7fn)];
    for (let v = arc >> 7n; v > 0n; v >>= 7n) chunk.unshift(Number(v & 0x7fn) | 0x80);
    out.push(...chunk);
  }
  return tlv(TAG.OID, Uint8Array.from(out));
}

/** One decoded TLV: `content` is a view into the input, `end` the offset after it. */
export interface Tlv {
  tag: number;
  start: number;
  contentStart: number;
  end: number;
  content: Uint8Array;
  /** The whole TLV (header and content), a view into the input. */
  raw: Uint8Array;
}

/** Read one TLV at `offset`; throws a plain Error (the caller wraps it) on non-DER input. */
export function readTlv(bytes: Uint8Array, offset: number): Tlv {
  if (offset + 2 > bytes.length) throw new Error('truncated header');
  const tag = bytes[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new Error('multi-byte tags are not supported');
  const first = bytes[offset + 1]!;
  let length: number;
  let contentStart: number;
  if (first < 0x80) {
    length = first;
    contentStart = offset + 2;
  } else {
    const n = first & 0x7f;
    if (n === 0) throw new Error('indefinite length is not DER');
    if (n > 4) throw new Error('length too large');
    if (offset + 2 + n > bytes.length) throw new Error('truncated length');
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + bytes[offset + 2 + i]!;
    if (bytes[offset + 2] === 0 || length < 0x80) throw new Error('non-minimal length');
    contentStart = offset + 2 + n;
  }
  const end = contentStart + length;
  if (end > bytes.length) throw new Error('truncated content');
  return { tag, start: offset, contentStart, end, content: bytes.subarray(contentStart, end), raw: bytes.subarray(offset, end) };
}

/** Read all TLVs that exactly fill `bytes` (the children of a constructed value). */
export function readChildren(bytes: Uint8Array): Tlv[] {
  const out: Tlv[] = [];
  for (let at = 0; at < bytes.length; ) {
    const t = readTlv(bytes, at);
    out.push(t);
    at = t.end;
  }
  return out;
}

/** Read a single TLV that must span all of `bytes`, with the expected tag. */
export function readOnly(bytes: Uint8Array, tag: number): Tlv {
  const t = readTlv(bytes, 0);
  if (t.tag !== tag) throw new Error(`expected tag 0x${tag.toString(16)}, got 0x${t.tag.toString(16)}`);
  if (t.end !== bytes.length) throw new Error('trailing bytes');
  return t;
}

/** The magnitude of a non-negative DER INTEGER, rejecting negative and non-minimal encodings. */
export function readUnsignedInteger(t: Tlv): Uint8Array {
  if (t.tag !== TAG.INTEGER) throw new Error('expected an INTEGER');
  const c = t.content;
  if (c.length === 0) throw new Error('empty INTEGER');
  if ((c[0]! & 0x80) !== 0) throw new Error('negative INTEGER');
  if (c.length > 1 && c[0] === 0 && (c[1]! & 0x80) === 0) throw new Error('non-minimal INTEGER');
  return c[0] === 0 && c.length > 1 ? c.subarray(1) : c;
}

export function decodeOid(content: Uint8Array): string {
  const arcs: bigint[] = [];
  let v = 0n;
  for (const b of content) {
    v = (v << 7n) | BigInt(b & 0x7f);
    if ((b & 0x80) === 0) {
      arcs.push(v);
      v = 0n;
    }
  }
  const first = arcs.shift() ?? 0n;
  const head = first < 80n ? [first / 40n, first % 40n] : [2n, first - 80n];
  return [...head, ...arcs].join('.');
}
