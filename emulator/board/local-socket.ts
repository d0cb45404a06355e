/**
 * The emulator's local channels (recovery, control) are 0600 Unix sockets in the state folder —
 * or, when that path is too long for a socket address, a short private name under the temporary
 * folder — listened on with one rule for a socket file left by a killed emulator.
 */
import { createHash } from 'node:crypto';
import { chmodSync, rmSync } from 'node:fs';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Longest socket path we use (sun_path holds 108 bytes with its terminator on Linux, 104 elsewhere). */
const MAX_SOCKET_PATH = 100;

/** Where the channel `name` of the emulator using `stateDir` listens. */
export function localSocketPath(stateDir: string, name: string): string {
  const hash = createHash('sha256').update(stateDir).digest('hex').slice(0, 16);
  if (process.platform === 'win32') return `\\\\.\\pipe\\sphere-${name}-${hash}`;
  const inState = join(stateDir, `${name}.sock`);
  if (Buffer.byteLength(inState) <= MAX_SOCKET_PATH) return inState;
  return join(tmpdir(), `sphere-${name}-${process.getuid?.() ?? 'u'}-${hash}.sock`);
}

export interface LocalListener { path: string; close(): Promise<void> }

/** Listens on `path` (owner only); a stale socket file is replaced — the state-folder lock says no live emulator owns it. */
export async function listenLocal(server: Server, path: string): Promise<LocalListener> {
  const listen = () => new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => { server.off('error', reject); resolve(); });
  });
  try {
    await listen();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE' || process.platform === 'win32') throw e;
    rmSync(path, { force: true });
    await listen();
  }
  if (process.platform !== 'win32') chmodSync(path, 0o600);
  return {
    path,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      if (process.platform !== 'win32') rmSync(path, { force: true });
    }),
  };
}
