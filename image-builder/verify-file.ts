/**
 * Verifying a package file (spec/imagepackage.md §5.2) the way `openssl dgst` reads one: the
 * bytes stream once through a small buffer that stays in the CPU's cache, feeding the signature's
 * SHA-256 and the ASXipFS CRC-32 as they pass, and only the start (superblock, inodes,
 * directories) and the end (metadata, signature) are kept, in a buffer whose untouched middle the
 * system never has to provide. The verdict is `verifyPackage`'s with those two results handed in;
 * any package this does not fit — small, compressed, not ASXipFS, or with directories past the
 * start it keeps — is read whole and verified the ordinary way, so the verdicts are always the same.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import * as zlib from 'node:zlib';
import { ASXIPFS_OFFSETS, INODE_SIZE, METADATA_TRAILER_SIZE, SIGNATURE_SIZE_P256 } from './format';
import { isAsxipfs } from './asxipfs';
import { ioBuffer, u32 } from './bytes';
import { decodeSections, splitPackage } from './metadata';
import { verifyPackage, type SignatureChecker, type Verdict } from './verify';

/** Kept from the start: the superblock and the inode and directory area of any usual package. */
const HEAD = 256 * 1024;
/** Kept from the end: metadata sections and the signature. */
const TAIL = 64 * 1024;
/** The streaming buffer (off a page boundary: `ioBuffer`). */
const CHUNK = 256 * 1024;

const crc32 = (zlib as unknown as { crc32: (d: Uint8Array, v?: number) => number }).crc32;

function readFully(fd: number, into: Uint8Array, at: number): void {
  for (let done = 0; done < into.length;) {
    const n = readSync(fd, into, done, into.length - done, at + done);
    if (n === 0) throw new Error('the file ended early');
    done += n;
  }
}

/** Verifies the package in `file` (already known to exist) against `checker`; same verdicts as `verifyPackage`. */
export function verifyPackageFile(file: string, checker: SignatureChecker, read: (file: string) => Uint8Array): Verdict {
  const whole = () => verifyPackage(read(file), checker);
  if (!crc32 || !checker.startStream || !checker.checkStreamed) return whole();
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size < 2 * (HEAD + TAIL)) return whole();
    // Allocated, not filled: only the pages written below are ever touched. A SharedArrayBuffer,
    // because V8 counts an ordinary one this large as external memory pressure and collects
    // garbage for it (~4 ms of a 64 MiB verify, measured); a shared one it does not.
    const bytes = new Uint8Array(new SharedArrayBuffer(size));
    readFully(fd, bytes.subarray(0, HEAD), 0);
    readFully(fd, bytes.subarray(size - TAIL), size - TAIL);
    // splitPackage tries a 64-byte signature first: that attempt must read kept bytes only.
    const metadataLength = u32(bytes, size - SIGNATURE_SIZE_P256 - METADATA_TRAILER_SIZE);
    if (SIGNATURE_SIZE_P256 + metadataLength > TAIL) return whole();
    let split;
    try { split = splitPackage(bytes); } catch { return whole(); }
    if (split.metadataOffset < size - TAIL || !isAsxipfs(split.payload)) return whole();
    let compressed = true;
    try { compressed = decodeSections(split.sections).compression !== undefined; } catch { return whole(); }
    if (compressed) return whole();
    const fsSize = u32(split.payload, ASXIPFS_OFFSETS.size);
    if (fsSize < HEAD || fsSize > split.payload.length) return whole();
    const signedEnd = split.signed.length;
    const stream = checker.startStream();
    // The start: the CRC reads its own field as zero.
    let crc = crc32(bytes.subarray(0, ASXIPFS_OFFSETS.crc));
    crc = crc32(new Uint8Array(4), crc);
    crc = crc32(bytes.subarray(ASXIPFS_OFFSETS.crc + 4, HEAD), crc);
    stream.update(bytes.subarray(0, HEAD));
    const buf = ioBuffer(CHUNK, true);
    for (let at = HEAD; at < size - TAIL;) {
      const n = Math.min(CHUNK, size - TAIL - at);
      const chunk = buf.subarray(0, n);
      readFully(fd, chunk, at);
      if (at < fsSize) crc = crc32(chunk.subarray(0, Math.min(n, fsSize - at)), crc);
      stream.update(chunk);
      at += n;
    }
    const tail = bytes.subarray(size - TAIL);
    if (size - TAIL < fsSize) crc = crc32(tail.subarray(0, fsSize - (size - TAIL)), crc);
    stream.update(tail.subarray(0, signedEnd - (size - TAIL)));
    const verdict = verifyPackage(bytes, checker, { asxipfsCrc: crc, signed: stream });
    // Structure read from bytes that were not kept would be zeros: judge such a package whole.
    const inodes = verdict.view?.asxipfs?.inodes;
    if (!inodes) return whole();
    const kept = (end: number) => end <= HEAD;
    for (const i of inodes) {
      if (!kept(i.inodeOffset + INODE_SIZE + i.nameLenBytes)) return whole();
      if (i.type === 'dir' && i.size > 0 && !kept(i.dataOrChildOffset + i.size)) return whole();
      if (i.type === 'symlink' && i.size > 0 && !kept(i.dataOrChildOffset + i.size)) return whole();
    }
    return verdict;
  } catch {
    return whole();
  } finally {
    closeSync(fd);
  }
}
