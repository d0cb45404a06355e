/**
 * The board page's token: 32 random bytes (hex) kept in `<state>/view-token` with mode 0600, so
 * only the emulator's user can read it. `sphere emulator view` puts it in the URL it prints; the
 * page sends it with every request that reads or changes the board.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function viewTokenPath(stateDir: string): string {
  return join(stateDir, 'view-token');
}

const TOKEN = /^[0-9a-f]{64}$/;

/** The stored token (its mode made 0600 if it was wider), or a new one written atomically. */
export function loadOrCreateViewToken(stateDir: string): string {
  const path = viewTokenPath(stateDir);
  try {
    const t = readFileSync(path, 'utf8').trim();
    if (TOKEN.test(t)) {
      if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
      return t;
    }
  } catch { /* none yet */ }
  const t = randomBytes(32).toString('hex');
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, t + '\n', { mode: 0o600 });
  renameSync(tmp, path);
  return t;
}

/** Constant-time comparison of a request's token with the emulator's. */
export function checkToken(token: string, given: string | undefined): boolean {
  if (given === undefined || given.length !== token.length) return false;
  return timingSafeEqual(Buffer.from(given), Buffer.from(token));
}
