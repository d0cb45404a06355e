/**
 * Writing a planned package straight to its file (spec/imagepackage.md §5): the approot's files
 * pass once through a small buffer into a temporary file beside the destination, feeding the
 * ASXipFS CRC-32 as they go; the superblock with that CRC is written in place, the file is read
 * back through the same buffer into the signature's SHA-256, and the metadata and signature are
 * appended before the rename. With a helper thread (large packages) the order changes so that the
 * two threads overlap: the CRC pass reads the approot here, then the helper copies the files into
 * place while this thread hashes the same bytes read again from the approot. No buffer the size of
 * the package is ever filled (touching 64 MiB of fresh memory costs more here than hashing it).
 * The bytes are exactly `buildPackage`'s; a plan this does not fit (a board configuration, an
 * image ID derived from the content, a signer that needs the whole message) is built in memory and
 * written the ordinary way.
 */
import { closeSync, fstatSync, openSync, readSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { createHash, type Hash } from 'node:crypto';
import * as zlib from 'node:zlib';
import { basename, dirname, join, resolve } from 'node:path';
import { SphereError } from './errors';
import { writeAsxipfsTable } from './asxipfs';
import type { FileSource } from './approot';
import { buildMetadata } from './metadata';
import { ASXIPFS_OFFSETS } from './format';
import { ioBuffer, putU32 } from './bytes';
import { buildPackage, metadataSections, writeError, writeFileAtomic, type PackageSigner, type PackPlan } from './pack';
import { fileModified, fileShrank, HELPER_MIN_BYTES, IoHelper, type Copy } from './io-helper';

/** The streaming buffer (off a page boundary: `ioBuffer`). */
const CHUNK = 256 * 1024;

const crc32 = (zlib as unknown as { crc32?: (d: Uint8Array, v?: number) => number }).crc32;

function writeAll(fd: number, b: Uint8Array, at?: number): void {
  for (let done = 0; done < b.length;) done += writeSync(fd, b, done, b.length - done, at === undefined ? null : at + done);
}

/**
 * Builds, signs and writes the package of `plan` to `destination` atomically; returns its size in
 * bytes. A payload from `HELPER_MIN_BYTES` on gets a helper thread (when one can be started): the
 * CRC pass runs here while it finishes starting, then it copies the files into place while this
 * thread hashes them from the approot.
 */
export async function writePackageFile(plan: PackPlan, signer: PackageSigner, destination: string): Promise<number> {
  const layout = plan.layout;
  if (!layout || plan.imageId === undefined || !signer.signDigest || !crc32) {
    const bytes = await buildPackage(plan, signer);
    writeFileAtomic(destination, bytes);
    return bytes.length;
  }
  const helper = layout.size >= HELPER_MIN_BYTES ? await IoHelper.start() : undefined;
  try {
    return await writeStreamed(plan, layout, signer, destination, helper);
  } finally {
    helper?.close();
  }
}

async function writeStreamed(plan: PackPlan, layout: NonNullable<PackPlan['layout']>, signer: PackageSigner, destination: string, helper: IoHelper | undefined): Promise<number> {
  const metadata = buildMetadata(metadataSections(plan, plan.imageId!, signer));
  const tmp = join(dirname(resolve(destination)), `.${basename(destination)}.${process.pid}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'w+', 0o644);
  } catch (e) {
    throw writeError(destination, e);
  }
  try {
    const size = helper ? await writeWithHelper(layout, metadata, signer, fd, tmp, helper) : await writeOneThread(layout, metadata, signer, fd, tmp);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, destination);
    return size;
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    try { unlinkSync(tmp); } catch { /* already gone */ }
    throw writeError(destination, e);
  }
}

/**
 * The one-thread write: the files are copied into `fd`'s file as the CRC pass reads them, the
 * superblock's CRC is written in place, and the file is read back for the signature's SHA-256.
 */
async function writeOneThread(layout: NonNullable<PackPlan['layout']>, metadata: Uint8Array, signer: PackageSigner, fd: number, tmp: string): Promise<number> {
  const table = ioBuffer(layout.dataStart);
  writeAsxipfsTable(layout, table);
  writeAll(fd, table, 0);
  const buf = ioBuffer(CHUNK, true);
  // The CRC reads the table with its own field zero, as written; file content goes to its offset.
  let crc = 0;
  eachPayloadPiece(layout, table, buf, (piece, at, content) => {
    crc = crc32!(piece, crc);
    if (content) writeAll(fd, piece, at);
  });
  // The gaps between files were never written and read back as zeros; the metadata gives the
  // file its length before the payload is read back.
  writeAll(fd, metadata, layout.size);
  const word = new Uint8Array(4);
  putU32(word, 0, crc);
  writeAll(fd, word, ASXIPFS_OFFSETS.crc);
  const hash = createHash('sha256');
  for (let pos = 0; pos < layout.size;) {
    const n = readSync(fd, buf, 0, Math.min(CHUNK, layout.size - pos), pos);
    if (n === 0) throw new SphereError(`Cannot pack: the temporary file "${tmp}" ended early. Check the disk and pack again.`, { code: 'SHORT_READ', path: tmp });
    hash.update(buf.subarray(0, n));
    pos += n;
  }
  hash.update(metadata);
  const signature = await signWith(signer, hash);
  writeAll(fd, signature, layout.size + metadata.length);
  return layout.size + metadata.length + signature.length;
}

async function signWith(signer: PackageSigner, hash: Hash): Promise<Uint8Array> {
  const signature = await signer.signDigest!(new Uint8Array(hash.digest()));
  if (signature.length !== 64) throw new SphereError(`Cannot sign the package: the signer returned ${signature.length} bytes, expected a 64-byte r‖s signature.`, { code: 'BAD_SIGNER_OUTPUT' });
  return signature;
}

/** Reads `size` bytes of the open file `fd` (named `path`) from its start through `buf`, handing each piece to `use`. */
function readEach(fd: number, path: string, size: number, buf: Buffer, use: (piece: Buffer) => void): void {
  for (let done = 0; done < size;) {
    const n = readSync(fd, buf, 0, Math.min(CHUNK, size - done), done);
    if (n === 0) throw fileShrank(path);
    use(buf.subarray(0, n));
    done += n;
  }
}

/**
 * The package's bytes in order as pieces handed to `use` with their offset and whether they are a
 * file's content: the table, each file's content after the zeros that lead to its offset, the
 * zeros up to the payload's end. With `mtimes`, each file's modification time is recorded there as
 * the first pass opens it, and a later pass checks it after its read.
 */
function eachPayloadPiece(layout: NonNullable<PackPlan['layout']>, table: Uint8Array, buf: Buffer, use: (piece: Uint8Array, at: number, content: boolean) => void, mtimes?: Map<string, number>): void {
  const zeros = new Uint8Array(CHUNK);
  let at = 0;
  const give = (piece: Uint8Array, content: boolean) => { use(piece, at, content); at += piece.length; };
  give(table, false);
  const pad = (to: number) => {
    while (at < to) give(zeros.subarray(0, Math.min(CHUNK, to - at)), false);
  };
  for (const p of layout.nodes) {
    const n = p.node;
    if (n.children || n.size === 0) continue;
    pad(p.offset);
    const src = n.source as FileSource;
    if ('bytes' in src) {
      give(src.bytes, true);
      continue;
    }
    // Opened for each pass: measured here, reading through descriptors kept open across the
    // passes was slower than opening the files again.
    const fd = openSync(src.path, 'r');
    try {
      const first = mtimes?.get(src.path);
      if (mtimes && first === undefined) mtimes.set(src.path, fstatSync(fd).mtimeMs);
      readEach(fd, src.path, n.size, buf, (piece) => give(piece, true));
      if (first !== undefined) {
        const st = fstatSync(fd);
        if (st.mtimeMs !== first || st.size !== n.size) throw fileModified(src.path);
      }
    } finally {
      closeSync(fd);
    }
  }
  pad(layout.size);
}

/**
 * The two-thread write: the CRC pass here, then the helper copies the files into `fd`'s file
 * while this thread hashes the same bytes read from the approot, the table with its CRC first.
 * The files are read three times, so a file written meanwhile fails the pack: after each later
 * read, here and in the helper, its modification time and size must still be what the CRC pass
 * saw when it opened the file.
 */
async function writeWithHelper(layout: NonNullable<PackPlan['layout']>, metadata: Uint8Array, signer: PackageSigner, fd: number, tmp: string, helper: IoHelper): Promise<number> {
  const table = ioBuffer(layout.dataStart);
  writeAsxipfsTable(layout, table);
  const buf = ioBuffer(CHUNK, true);
  let crc = 0;
  const mtimes = new Map<string, number>();
  eachPayloadPiece(layout, table, buf, (piece) => { crc = crc32!(piece, crc); }, mtimes);
  putU32(table, ASXIPFS_OFFSETS.crc, crc);
  writeAll(fd, table, 0);
  const copies: Copy[] = [];
  for (const p of layout.nodes) {
    const src = p.node.source as FileSource | undefined;
    if (p.node.children || p.node.size === 0 || !src) continue;
    if ('bytes' in src) writeAll(fd, src.bytes, p.offset);
    else copies.push({ path: src.path, at: p.offset, length: p.node.size, mtimeMs: mtimes.get(src.path)! });
  }
  const copied = helper.copy(tmp, copies);
  try {
    const hash = createHash('sha256');
    eachPayloadPiece(layout, table, buf, (piece) => { hash.update(piece); }, mtimes);
    hash.update(metadata);
    const signature = await signWith(signer, hash);
    await copied;
    writeAll(fd, metadata, layout.size);
    writeAll(fd, signature, layout.size + metadata.length);
    return layout.size + metadata.length + signature.length;
  } finally {
    // The helper is done writing the temporary file before the caller closes or removes it.
    await copied.catch(() => undefined);
  }
}
