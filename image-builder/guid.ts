/**
 * GUIDs in .NET byte order (spec/imagepackage.md §2.3): the first three groups are stored
 * little-endian, the last eight bytes as written. Text form is lower-case, dashed.
 */
import { randomBytes } from 'node:crypto';
import { UsageError } from './errors';

const GUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

export function isGuid(text: string): boolean {
  return GUID_RE.test(text);
}

/** Parses a GUID string (with or without braces) into its canonical lower-case form. */
export function normalizeGuid(text: string, what = 'GUID'): string {
  const t = text.trim().replace(/^\{(.*)\}$/, '$1');
  if (!GUID_RE.test(t)) {
    throw new UsageError(`Cannot use ${what} "${text}": it is not a GUID. Give 32 hex digits as 8-4-4-4-12, e.g. 00000000-0000-0000-0000-000000000000.`, { code: 'BAD_GUID' });
  }
  return t.toLowerCase();
}

/** GUID text → 16 bytes in .NET order. */
export function guidToBytes(text: string): Uint8Array {
  const hex = normalizeGuid(text).replace(/-/g, '');
  const be = Buffer.from(hex, 'hex');
  const out = Buffer.alloc(16);
  out[0] = be[3]!; out[1] = be[2]!; out[2] = be[1]!; out[3] = be[0]!;
  out[4] = be[5]!; out[5] = be[4]!;
  out[6] = be[7]!; out[7] = be[6]!;
  be.copy(out, 8, 8, 16);
  return out;
}

/** 16 bytes in .NET order → GUID text. */
export function guidFromBytes(bytes: Uint8Array): string {
  if (bytes.length !== 16) throw new RangeError(`a GUID is 16 bytes, got ${bytes.length}`);
  const b = bytes;
  const h = (i: number) => b[i]!.toString(16).padStart(2, '0');
  return (
    h(3) + h(2) + h(1) + h(0) + '-' + h(5) + h(4) + '-' + h(7) + h(6) + '-' + h(8) + h(9) + '-' +
    h(10) + h(11) + h(12) + h(13) + h(14) + h(15)
  );
}

/** A fresh random version-4 GUID. */
export function randomGuid(random: (n: number) => Uint8Array = randomBytes): string {
  const b = Buffer.from(random(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = b.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A version-4-shaped GUID derived from content: the same bytes always give the same GUID. */
export function guidFromDigest(digest: Uint8Array): string {
  return randomGuid(() => digest.subarray(0, 16));
}
