/** Reading the files commands are given, with the project's not-found error (exit 3). */
import { closeSync, fstatSync, openSync, read, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { NotFoundError } from '../image-builder/errors';

/** The bytes of a package file; `shown` is the path as the user typed it. */
export function readPackageFile(shown: string, cwd = process.cwd()): Uint8Array {
  try {
    const file = resolve(cwd, shown);
    if (!statSync(file).isFile()) throw new Error('not a file');
    return readFileSync(file);
  } catch {
    throw packageNotFound(shown);
  }
}

/** The absolute path of a package file that exists; the not-found error otherwise. */
export function packageFilePath(shown: string, cwd = process.cwd()): string {
  const file = resolve(cwd, shown);
  try { if (statSync(file).isFile()) return file; } catch { /* reported below */ }
  throw packageNotFound(shown);
}

function packageNotFound(shown: string): NotFoundError {
  return new NotFoundError(`Cannot read package "${shown}": the file does not exist. Check the path.`, { code: 'PACKAGE_NOT_FOUND', path: shown });
}


/** A package file being read on the thread pool (`startPackageRead`). */
export interface PackageRead {
  /** The buffer being filled; complete once `done` resolves. */
  readonly bytes: Buffer;
  /** How many bytes from the start are in. */
  readonly filled: number;
  /** Calls `f(filled)` now and after each piece (for work that can start on the first bytes). */
  watch(f: (filled: number) => void): void;
  /** The whole file; rejects with the not-found error if it cannot be read to the end. */
  readonly done: Promise<Uint8Array>;
}

/** Read in pieces of this size, all asked for at once: the thread pool reads while the command loads. */
const READ_PIECE = 1024 * 1024;

/**
 * Opens a package and reads it on the thread pool in pieces, all requested at once, so the file is
 * in while the command loads its libraries; `watch` hands on how much of the start is in (pieces
 * can land in any order). Throws at once (not-found error) when the file cannot be opened, before
 * the caller has done anything else.
 */
export function startPackageRead(shown: string, cwd = process.cwd()): PackageRead {
  let fd: number;
  let size: number;
  try {
    fd = openSync(resolve(cwd, shown), 'r');
  } catch {
    throw packageNotFound(shown);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new Error('not a file');
    size = st.size;
  } catch {
    closeSync(fd);
    throw packageNotFound(shown);
  }
  // 64 bytes off a page boundary: the kernel copies into it several times faster (as
  // image-builder/bytes.ts `ioBuffer`, which this start-up module does not load).
  const bytes = Buffer.allocUnsafeSlow(size + 64).subarray(64);
  const watchers: Array<(filled: number) => void> = [];
  const pieces = Math.max(1, Math.ceil(size / READ_PIECE));
  const landed = new Array<boolean>(pieces).fill(false);
  let filled = 0;
  let open = pieces;
  let failed = false;
  let readError = '';
  const done = new Promise<Uint8Array>((resolveRead, reject) => {
    const finish = (): void => {
      if (--open > 0) return;
      closeSync(fd);
      if (failed) reject(new NotFoundError(`Cannot read package "${shown}": ${readError}. Check the file (was it changed while being read?) and retry.`, { code: 'PACKAGE_NOT_FOUND', path: shown }));
      else resolveRead(bytes);
    };
    // Each piece is read to its end (a read may return less than asked for).
    const readPiece = (i: number, at: number, end: number): void => {
      if (at >= end) {
        landed[i] = true;
        const before = filled;
        while (filled < size && landed[Math.floor(filled / READ_PIECE)]) filled = Math.min(size, filled + READ_PIECE);
        if (filled > before) for (const f of watchers) f(filled);
        finish();
        return;
      }
      read(fd, bytes, at, end - at, at, (err, n) => {
        if (err || n === 0 || failed) {
          if (!failed) readError = err ? `reading it failed (${err.code ?? err.message})` : `it ended before its ${size} bytes`;
          failed = true;
          finish();
          return;
        }
        readPiece(i, at + n, end);
      });
    };
    if (size === 0) { open = 1; finish(); return; }
    for (let i = 0; i < pieces; i++) readPiece(i, i * READ_PIECE, Math.min(size, (i + 1) * READ_PIECE));
  });
  return { bytes, get filled() { return filled; }, watch: (f) => { watchers.push(f); f(filled); }, done };
}
