/**
 * Detached emulators: start one in the background (the same binary re-run with
 * `emulator start --foreground`, its output going to a log file) and wait until it answers;
 * stop one by its recorded pid. Which command re-runs the binary is the caller's to say.
 */
import { spawn } from 'node:child_process';
import { closeSync, fstatSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { DeviceError, EXIT, NotFoundError, SphereError, UsageError } from '../image-builder/index';
import { deviceRequest } from './probe';
import { Registry, isAlive, type RegistryEntry } from './registry';

export interface DetachOptions {
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  logFile: string;
  registryDir: string;
  name: string;
  timeoutMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function tail(file: string, lines = 20): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/** The child's own `error: …` line, written to its log since `from`, without the prefix. */
function childError(file: string, from: number): string | undefined {
  let text: string;
  try { text = readFileSync(file).subarray(from).toString('utf8'); } catch { return undefined; }
  const errors = text.split('\n').filter((l) => l.startsWith('error: '));
  return errors.length === 1 ? errors[0]!.slice('error: '.length) : undefined;
}

/** Spawns the emulator detached and resolves once it is recorded and answers GET /status. */
export async function startDetached(o: DetachOptions): Promise<RegistryEntry> {
  mkdirSync(dirname(o.logFile), { recursive: true });
  const fd = openSync(o.logFile, 'a');
  const logStart = fstatSync(fd).size;
  const child = spawn(o.command, o.args, { detached: true, stdio: ['ignore', fd, fd], env: o.env });
  closeSync(fd);
  let exited: number | null | undefined;
  child.on('exit', (code) => { exited = code; });
  child.on('error', () => { exited = -1; });
  child.unref();
  const pid = child.pid ?? -1;
  const registry = new Registry(o.registryDir);
  const deadline = Date.now() + (o.timeoutMs ?? 15_000);
  while (Date.now() < deadline) {
    if (exited !== undefined) {
      // The child refused to start with one error line of its own (a busy port, a bad flag):
      // that line and its exit code, as a foreground start gives them.
      const own = childError(o.logFile, logStart);
      if (own !== undefined) {
        const E = exited === EXIT.USAGE ? UsageError : exited === EXIT.NOT_FOUND ? NotFoundError : SphereError;
        throw new E(own, { code: 'EMULATOR_EXITED', path: o.logFile });
      }
      const log = tail(o.logFile, 5);
      throw new SphereError(`Cannot start emulator "${o.name}": it exited${exited === null ? '' : ` with code ${exited}`}. ${log ? `Its log says:\n${log}` : `See ${o.logFile}.`}`, { code: 'EMULATOR_EXITED', path: o.logFile });
    }
    const e = registry.get(o.name);
    if (e && e.pid === pid) {
      try {
        const r = await deviceRequest({ url: e.url, caPem: e.caPem, path: '/status', timeoutMs: 2000 });
        if (r.status === 200) return e;
      } catch { /* not answering yet */ }
    }
    await sleep(25);
  }
  try { process.kill(pid, 'SIGTERM'); } catch { /* gone */ }
  throw new DeviceError(`Cannot start emulator "${o.name}": it did not answer within ${Math.round((o.timeoutMs ?? 15_000) / 1000)} s. See ${o.logFile}.`, { code: 'EMULATOR_TIMEOUT', path: o.logFile });
}

/** Stops a recorded emulator: SIGTERM, then SIGKILL if it lingers; removes its record. */
export async function stopEmulator(entry: RegistryEntry, registryDir: string, timeoutMs = 5000): Promise<{ forced: boolean }> {
  try { process.kill(entry.pid, 'SIGTERM'); } catch { /* already gone */ }
  const deadline = Date.now() + timeoutMs;
  while (isAlive(entry.pid) && Date.now() < deadline) await sleep(20);
  let forced = false;
  if (isAlive(entry.pid)) {
    forced = true;
    try { process.kill(entry.pid, 'SIGKILL'); } catch { /* gone */ }
    while (isAlive(entry.pid) && Date.now() < deadline + 2000) await sleep(20);
  }
  new Registry(registryDir).remove(entry.name, entry.pid);
  return { forced };
}
