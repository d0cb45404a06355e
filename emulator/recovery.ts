/**
 * Recovering an emulator (spec/device-rest-api.md §7): a board is recovered over its recovery
 * UART, not over the REST API, so the emulator has a recovery channel of its own — a local socket
 * (mode 0600) that a running emulator serves and names in its registry entry. Asked `recover`, it
 * runs `Device.recover` (the base OS image set written again, apps and settings wiped, identity
 * kept) and the device boots; pid, address and start options stay. `recoverStateDir` does the same
 * to the state folder of an emulator that is not running.
 */
import { createConnection, createServer, type Server } from 'node:net';
import { DeviceError, NotFoundError } from '../image-builder/index';
import { Device, type RecoveryResult } from './device';
import { lockStateDir } from './registry';
import { listenLocal, localSocketPath } from './board/index';

const COMMAND = 'recover';

/** Where the recovery socket of the emulator using `stateDir` goes: in the state folder, or — for a long path — a short private name. */
export function recoverySocketPath(stateDir: string): string {
  return localSocketPath(stateDir, 'recovery');
}

export interface RecoveryServer {
  path: string;
  close(): Promise<void>;
}

/** Serves the recovery channel of a running device. */
export function serveRecovery(device: Device, path: string, log: (line: string) => void = () => {}): Promise<RecoveryServer> {
  const server: Server = createServer((socket) => {
    let line = '';
    socket.setTimeout(5_000, () => socket.destroy());
    socket.on('error', () => {});
    socket.on('data', (c: Buffer) => {
      line += c.toString('utf8');
      if (line.length > 64) { socket.destroy(); return; }
      const nl = line.indexOf('\n');
      if (nl < 0) return;
      let answer: Record<string, unknown>;
      if (line.slice(0, nl).trim() !== COMMAND) answer = { error: `unknown request; the recovery channel takes "${COMMAND}"` };
      else {
        try {
          answer = { ...device.recover() };
          log(`recovery: ${String(answer['removedImages'])} customer image(s) removed, boot ${String(answer['bootCount'])}`);
        } catch (e) {
          answer = { error: (e as Error).message };
        }
      }
      socket.end(JSON.stringify(answer) + '\n');
    });
  });
  return listenLocal(server, path);
}

/** Asks a running emulator, through its recovery channel, to recover. */
export function requestRecovery(path: string, o: { timeoutMs?: number; label?: string } = {}): Promise<RecoveryResult> {
  const label = o.label ?? 'the emulator';
  return new Promise((resolve, reject) => {
    const s = createConnection(path);
    let data = '';
    const timer = setTimeout(() => { s.destroy(); reject(new DeviceError(`Cannot recover ${label}: its recovery channel did not answer within ${Math.round((o.timeoutMs ?? 30_000) / 1000)} s. See "sphere emulator logs".`, { code: 'RECOVER_TIMEOUT' })); }, o.timeoutMs ?? 30_000);
    s.on('connect', () => s.write(`${COMMAND}\n`));
    s.on('data', (c: Buffer) => { data += c.toString('utf8'); });
    s.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const E = e.code === 'ENOENT' || e.code === 'ECONNREFUSED' ? NotFoundError : DeviceError;
      reject(new E(`Cannot recover ${label}: nothing answers on its recovery channel "${path}" (${e.code ?? e.message}). Check that it runs ("sphere emulator status").`, { code: 'RECOVER_UNREACHABLE', path }));
    });
    s.on('close', () => {
      clearTimeout(timer);
      let answer: Partial<RecoveryResult> & { error?: string };
      try { answer = JSON.parse(data) as typeof answer; } catch { reject(new DeviceError(`Cannot recover ${label}: its recovery channel closed without an answer. See "sphere emulator logs".`, { code: 'RECOVER_FAILED' })); return; }
      if (answer.error !== undefined || typeof answer.deviceId !== 'string') { reject(new DeviceError(`Cannot recover ${label}: ${answer.error ?? 'the answer names no device'}. See "sphere emulator logs".`, { code: 'RECOVER_FAILED' })); return; }
      resolve(answer as RecoveryResult);
    });
  });
}

/** Recovers the device of a state folder no emulator is running on (the folder is locked meanwhile). */
export function recoverStateDir(o: { stateDir: string; now?: () => number }): RecoveryResult {
  const release = lockStateDir(o.stateDir);
  try {
    const device = Device.open({ stateDir: o.stateDir, ...(o.now ? { now: o.now } : {}) });
    return device.recover();
  } finally {
    release();
  }
}
