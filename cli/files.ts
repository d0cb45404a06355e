/** Reading the files commands are given, with the project's not-found error (exit 3). */
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { NotFoundError } from '../image-builder/errors';

/** The bytes of a package file; `shown` is the path as the user typed it. */
export function readPackageFile(shown: string, cwd = process.cwd()): Uint8Array {
  try {
    const file = resolve(cwd, shown);
    if (!statSync(file).isFile()) throw new Error('not a file');
    return readFileSync(file);
  } catch {
    throw new NotFoundError(`Cannot read package "${shown}": the file does not exist. Check the path.`, { code: 'PACKAGE_NOT_FOUND', path: shown });
  }
}
