/** Helpers shared by the signer suites: OpenSSL as the second implementation, scratch folders, error checks. */
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignerError } from '../../signer/index';

export const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** Runs openssl and returns its stdout (throws on a non-zero exit). */
export const openssl = (...args: string[]): string => execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/** A fresh scratch folder and a function naming files in it. */
export function scratch(prefix: string): { dir: string; path: (name: string) => string } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, path: (name) => join(dir, name) };
}

/** Asserts that `f` throws a SignerError with this code. */
export function expectCode(f: () => unknown, code: string): void {
  try {
    f();
  } catch (e) {
    assert.instance(e, SignerError);
    assert.is((e as SignerError).code, code);
    return;
  }
  assert.unreachable(`expected SignerError ${code}`);
}

/** Awaits `p` and returns the SignerError it rejects with. */
export async function rejects(p: Promise<unknown>): Promise<SignerError> {
  try {
    await p;
  } catch (e) {
    assert.instance(e, SignerError);
    return e as SignerError;
  }
  throw new Error('expected a SignerError');
}
