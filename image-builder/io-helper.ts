/**
 * A second thread for the byte work of packing a large package: it copies the approot's files into
 * the package file while the calling thread hashes the same bytes for the signature, so on a
 * machine with two cores the two passes overlap instead of following each other. Both threads
 * read the files from the page cache; nothing large crosses between them.
 *
 * The thread runs a small script given as text (a single executable has no file to start a
 * worker from). Starting it costs a few milliseconds on the calling thread and a few tens on the
 * other core, so callers start one only for large packages, and early enough that it is up by
 * the time it is needed. Every job either resolves or rejects with the error the same work
 * would have raised on the calling thread; a thread that cannot be started means the caller does
 * the work itself.
 */
import type { Worker as WorkerType } from 'node:worker_threads';
import { SphereError, ValidationError } from './errors';

/** One file copied into the package at `at`; `mtimeMs` and `length` are what it must still have after the copy. */
export interface Copy { path: string; at: number; length: number; mtimeMs: number }

/** Packages from this size on are worth a second thread. */
export const HELPER_MIN_BYTES = 16 * 1024 * 1024;

/** A failed job: an approot file that shrank or was modified (`kind`), or a system error as node:fs raised it. */
interface JobError { message: string; code: string; path?: string; kind?: 'shrank' | 'modified' }
interface Reply { id: number; error?: JobError }

/**
 * The thread's script (CommonJS text). Messages: `{ id, op: 'copy', into, copies }` → `{ id }`; a
 * failure → `{ id, error }`. Reads go into a buffer 64 bytes off a page boundary (see `ioBuffer`).
 */
const SCRIPT = String.raw`
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const CHUNK = 256 * 1024;
const buf = Buffer.allocUnsafeSlow(CHUNK + 64).subarray(64);
const shrank = (path) => Object.assign(new Error('short'), { kind: 'shrank', path });
function readInto(fd, n, pos, path) {
  const got = fs.readSync(fd, buf, 0, n, pos);
  if (got === 0) throw shrank(path);
  return buf.subarray(0, got);
}
function copy(into, copies) {
  const out = fs.openSync(into, 'r+');
  try {
    for (const k of copies) {
      const fd = fs.openSync(k.path, 'r');
      try {
        for (let done = 0; done < k.length;) {
          const chunk = readInto(fd, Math.min(CHUNK, k.length - done), done, k.path);
          for (let w = 0; w < chunk.length;) w += fs.writeSync(out, chunk, w, chunk.length - w, k.at + done + w);
          done += chunk.length;
        }
        const st = fs.fstatSync(fd);
        if (st.mtimeMs !== k.mtimeMs || st.size !== k.length) throw Object.assign(new Error('modified'), { kind: 'modified', path: k.path });
      } finally { fs.closeSync(fd); }
    }
  } finally { fs.closeSync(out); }
}
parentPort.on('message', (m) => {
  try {
    copy(m.into, m.copies);
    parentPort.postMessage({ id: m.id });
  } catch (e) {
    parentPort.postMessage({ id: m.id, error: { message: String(e && e.message || e), code: String(e && e.code || 'FAILED'), path: e && e.path, kind: e && e.kind } });
  }
});
`;

/** The helper thread: jobs go to it one after the other, each a promise of its result. */
export class IoHelper {
  readonly #worker: WorkerType;
  readonly #pending = new Map<number, { resolve: (r: Reply) => void; reject: (e: unknown) => void }>();
  #next = 1;
  #broken: unknown;

  private constructor(worker: WorkerType) {
    this.#worker = worker;
    worker.unref();
    worker.on('message', (r: Reply) => {
      const p = this.#pending.get(r.id);
      if (!p) return;
      this.#pending.delete(r.id);
      if (this.#pending.size === 0) worker.unref();
      p.resolve(r);
    });
    const fail = (e: unknown) => {
      this.#broken = e;
      for (const p of this.#pending.values()) p.reject(e);
      this.#pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', () => fail(new SphereError('Cannot finish the package: its helper thread ended unexpectedly. Pack again.', { code: 'HELPER_EXITED' })));
  }

  /** Starts the thread, or returns undefined when none can be started (the caller works alone). */
  static async start(): Promise<IoHelper | undefined> {
    try {
      const { Worker } = await import('./worker-lazy');
      return new IoHelper(new Worker(SCRIPT, { eval: true, stdout: false, stderr: false }));
    } catch {
      return undefined;
    }
  }

  #run(message: Record<string, unknown>): Promise<Reply> {
    if (this.#broken !== undefined) return Promise.reject(this.#broken);
    const id = this.#next++;
    return new Promise<Reply>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#worker.ref();
      this.#worker.postMessage({ ...message, id });
    }).then((r) => {
      if (r.error) throw jobError(r.error);
      return r;
    });
  }

  /** Copies each file into the existing file `into` at its offset. */
  async copy(into: string, copies: Copy[]): Promise<void> {
    await this.#run({ op: 'copy', into, copies });
  }

  /** Ends the thread (pending jobs are rejected). */
  close(): void {
    void this.#worker.terminate();
  }
}

/** A file of the approot that ended before its planned size while being read. */
export function fileShrank(path: string): ValidationError {
  return new ValidationError(`Cannot pack file "${path}": it shrank while being read. Pack again when nothing is writing to the folder.`, { code: 'FILE_CHANGED', path });
}

/** A file of the approot written while the package is (its modification time or size no longer what the first read saw). */
export function fileModified(path: string): ValidationError {
  return new ValidationError(`Cannot pack file "${path}": it was modified while the package was being written. Pack again when nothing is writing to the folder.`, { code: 'FILE_CHANGED', path });
}

/** The error the same work would have raised on the calling thread. */
function jobError(e: JobError): Error {
  if (e.kind === 'modified') return fileModified(e.path ?? '');
  if (e.kind === 'shrank') return fileShrank(e.path ?? '');
  // A system error (a full disk, say): as node:fs raises it, for the caller's usual reporting.
  return Object.assign(new Error(e.message), { code: e.code, ...(e.path ? { path: e.path } : {}) });
}
