/**
 * The emulated flash: crash-safe storage in the state folder (architecture decision 5).
 *
 * Layout of `<state>/flash/`:
 *   index.json         the device state (see state.ts); the single commit record
 *   blobs/<sha256>     image packages, named by content, immutable once written
 *   diag.json          diagnostic log and error reports (not transactional with index.json)
 *
 * Every file is written as: new temporary file, fsync, rename over the old name, fsync of the
 * folder. A change touching several files (staging writes a blob and the index; installing swaps
 * many images) first writes the new blobs under names nothing references yet, then replaces
 * index.json in one rename: the index acts as the journal's commit record, so a kill at any moment
 * leaves either the old index (the new blobs are garbage, removed at boot) or the new one (whose
 * blobs are all durable). Boot also removes leftover temporary files.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeSync, constants } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

const TMP_SUFFIX = '.tmp';

export function fsyncDir(dir: string): void {
  const fd = openSync(dir, constants.O_RDONLY);
  try { fsyncSync(fd); } finally { closeSync(fd); }
}

/** Writes `data` to `path` so that a crash leaves either the old content or the new, never a mix. */
export function writeAtomic(path: string, data: Uint8Array | string, mode = 0o644): void {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}${TMP_SUFFIX}`);
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, mode);
  try {
    let done = 0;
    while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    try { unlinkSync(tmp); } catch { /* gone */ }
    throw e;
  }
  closeSync(fd);
  renameSync(tmp, path);
  fsyncDir(dir);
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Removes temporary files a killed writer left in `dir`. */
function removeTemporaries(dir: string): number {
  let n = 0;
  for (const name of readdirSync(dir)) {
    if (name.startsWith('.') && name.endsWith(TMP_SUFFIX)) { unlinkSync(join(dir, name)); n++; }
  }
  return n;
}

export class Flash {
  readonly dir: string;
  readonly blobDir: string;
  readonly indexPath: string;
  readonly diagPath: string;

  constructor(stateDir: string) {
    this.dir = join(stateDir, 'flash');
    this.blobDir = join(this.dir, 'blobs');
    this.indexPath = join(this.dir, 'index.json');
    this.diagPath = join(this.dir, 'diag.json');
    mkdirSync(this.blobDir, { recursive: true });
  }

  /** The committed index, or undefined on a blank device. */
  readIndex(): unknown {
    return this.#readJson(this.indexPath);
  }

  commitIndex(state: unknown): void {
    writeAtomic(this.indexPath, JSON.stringify(state));
  }

  readDiag(): unknown {
    return this.#readJson(this.diagPath);
  }

  writeDiag(diag: unknown): void {
    writeAtomic(this.diagPath, JSON.stringify(diag));
  }

  /** Stores an image durably under its SHA-256; returns that name. Writing the same bytes twice is free. */
  putBlob(bytes: Uint8Array): string {
    const name = sha256Hex(bytes);
    const path = join(this.blobDir, name);
    try {
      if (statSync(path).size === bytes.length) return name;
    } catch { /* absent */ }
    writeAtomic(path, bytes, 0o444);
    return name;
  }

  readBlob(name: string): Buffer {
    return readFileSync(join(this.blobDir, name));
  }

  blobSize(name: string): number | undefined {
    try { return statSync(join(this.blobDir, name)).size; } catch { return undefined; }
  }

  /** Boot-time cleanup: temporary files, and blobs the committed index does not reference. */
  collectGarbage(referenced: ReadonlySet<string>): { temporaries: number; blobs: number } {
    const temporaries = removeTemporaries(this.dir) + removeTemporaries(this.blobDir);
    let blobs = 0;
    for (const name of readdirSync(this.blobDir)) {
      if (!referenced.has(name)) { unlinkSync(join(this.blobDir, name)); blobs++; }
    }
    if (blobs) fsyncDir(this.blobDir);
    return { temporaries, blobs };
  }

  #readJson(path: string): unknown {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
    return JSON.parse(text) as unknown;
  }
}
