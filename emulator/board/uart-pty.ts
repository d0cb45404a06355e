/**
 * A UART bridged to a pseudo-terminal (`sphere emulator start --uart-pty ISU0`), so a terminal
 * program (screen, minicom, picocom, `socat - <path>`) talks to the app as to a board's serial
 * port. The UART is bridged to a local TCP port (uart-bridge.ts) and Debian's `socat` joins that
 * port to a new pseudo-terminal, whose name the emulator keeps as a link, `<state>/ISU0.pty`. When
 * the terminal program closes it, socat ends; the emulator starts another on the same link.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readlinkSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export interface UartPty { isu: number; path: string; close(): Promise<void> }

export class UartPtyError extends Error {}

const READY_MS = 5000;

export function uartPtyPath(stateDir: string, isu: number): string {
  return join(stateDir, `ISU${isu}.pty`);
}

/** Throws UartPtyError when socat cannot be run (checked before a detached start). */
export function checkSocat(isu: number): void {
  const r = spawnSync('socat', ['-V'], { stdio: 'ignore' });
  if (r.error) throw new UartPtyError(`Cannot bridge UART ISU${isu} to a pseudo-terminal: socat is not installed. Install it (Debian: apt-get install socat) or use a TCP bridge in the board description.`);
}

/** Starts socat between a new pseudo-terminal (linked at `path`) and the UART's TCP bridge on `port`. */
export async function openUartPty(isu: number, port: number, stateDir: string): Promise<UartPty> {
  checkSocat(isu);
  const path = uartPtyPath(stateDir, isu);
  let child: ChildProcess | undefined;
  let closing = false;
  let restart: NodeJS.Timeout | undefined;
  const run = (): ChildProcess => {
    rmSync(path, { force: true });
    const c = spawn('socat', [`PTY,link=${path},raw,echo=0,mode=600`, `TCP:127.0.0.1:${port}`], { stdio: ['ignore', 'ignore', 'pipe'] });
    c.on('exit', () => {
      if (closing) return;
      // The terminal program went away (or socat lost the bridge): offer a new terminal.
      restart = setTimeout(() => { child = run(); }, 100);
    });
    return c;
  };
  child = run();
  let err = '';
  child.stderr?.on('data', (b: Buffer) => { err += b.toString(); });
  const t0 = Date.now();
  while (!existsSync(path)) {
    if (child.exitCode !== null || Date.now() - t0 > READY_MS) {
      closing = true;
      child.kill();
      const why = err.trim().split('\n').pop() ?? '';
      throw new UartPtyError(`Cannot bridge UART ISU${isu} to a pseudo-terminal: socat ${child.exitCode !== null ? `exited (${why || `code ${child.exitCode}`})` : 'made no terminal within 5 s'}. Check that socat works ("socat -V").`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return {
    isu,
    path,
    close: async () => {
      closing = true;
      if (restart) clearTimeout(restart);
      const c = child;
      if (c && c.exitCode === null) {
        const gone = new Promise((r) => c.once('exit', r));
        c.kill();
        await Promise.race([gone, new Promise((r) => setTimeout(r, 1000))]);
      }
      try { if (readlinkSync(path)) rmSync(path, { force: true }); } catch { /* gone */ }
    },
  };
}
