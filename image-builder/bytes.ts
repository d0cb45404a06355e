/** Small little-endian byte helpers shared by the format readers and writers. */

export function u16(b: Uint8Array, o: number): number {
  return b[o]! | (b[o + 1]! << 8);
}

export function u32(b: Uint8Array, o: number): number {
  return (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16)) + b[o + 3]! * 0x1000000;
}

export function u64(b: Uint8Array, o: number): number {
  return u32(b, o) + u32(b, o + 4) * 0x100000000;
}

export function putU16(b: Uint8Array, o: number, v: number): void {
  b[o] = v & 0xff;
  b[o + 1] = (v >>> 8) & 0xff;
}

export function putU32(b: Uint8Array, o: number, v: number): void {
  b[o] = v & 0xff;
  b[o + 1] = (v >>> 8) & 0xff;
  b[o + 2] = (v >>> 16) & 0xff;
  b[o + 3] = (v >>> 24) & 0xff;
}

export function putU64(b: Uint8Array, o: number, v: number): void {
  putU32(b, o, v % 0x100000000);
  putU32(b, o + 4, Math.floor(v / 0x100000000));
}

export function hex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}

export function hex32(v: number): string {
  return '0x' + (v >>> 0).toString(16);
}

/** Text up to the first NUL. */
export function cString(b: Uint8Array): string {
  const end = b.indexOf(0);
  return Buffer.from(b.subarray(0, end < 0 ? b.length : end)).toString('utf8');
}

export function align(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}

/** Truncates UTF-8 text to at most `max` bytes without splitting a character. */
export function truncateUtf8(text: string, max: number): Uint8Array {
  const full = Buffer.from(text, 'utf8');
  if (full.length <= max) return full;
  let end = max;
  while (end > 0 && (full[end]! & 0xc0) === 0x80) end--;
  return full.subarray(0, end);
}

/** How far into its allocation `ioBuffer` starts. */
const IO_SKEW = 64;

/**
 * A zero-filled (or, with `unsafe`, uninitialised) buffer for large file reads and writes that
 * does not start on a page boundary. Large allocations come back page-aligned, and the kernel's
 * copies between the page cache (page-aligned) and such a buffer measured 4-5x slower on these
 * machines than into one 64 bytes further on.
 */
export function ioBuffer(size: number, unsafe = false): Buffer {
  return (unsafe ? Buffer.allocUnsafeSlow(size + IO_SKEW) : Buffer.alloc(size + IO_SKEW)).subarray(IO_SKEW);
}
