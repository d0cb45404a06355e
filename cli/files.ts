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

function packageNotFound(shown: string): NotFoundError {
  return new NotFoundError(`Cannot read package "${shown}": the file does not exist. Check the path.`, { code: 'PACKAGE_NOT_FOUND', path: shown });
}


/**
 * `readPackageFile` as one read on the thread pool (not Node's chunked `readFile`), so a command
 * can load its libraries meanwhile.
 */
export function readPackageFileAsync(shown: string, cwd = process.cwd()): Promise<Uint8Array> {
  let fd: number;
  let size: number;
  try {
    fd = openSync(resolve(cwd, shown), 'r');
  } catch {
    return Promise.reject(packageNotFound(shown));
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new Error('not a file');
    size = st.size;
  } catch {
    closeSync(fd);
    return Promise.reject(packageNotFound(shown));
  }
  const buf = Buffer.allocUnsafe(size);
  return new Promise((resolveRead, reject) => {
    const step = (offset: number): void => {
      if (offset >= size) { closeSync(fd); resolveRead(buf); return; }
      read(fd, buf, offset, size - offset, offset, (err, n) => {
        if (err || n === 0) { closeSync(fd); reject(packageNotFound(shown)); return; }
        step(offset + n);
      });
    };
    step(0);
  });
}
