/**
 * The emulator registry, the one file-based part of the contract between the emulator (which
 * writes it) and device clients (which read it to find emulators and pin their CAs). Where it
 * lives (documented in emulator/README.md):
 *   runtime folder  `$SPHERE_EMULATOR_HOME/run`, else `$XDG_RUNTIME_DIR/sphere/emulators`, else
 *                   `~/.cache/sphere/emulators/run` — one `<name>.json` per running emulator
 *   state folders   `$SPHERE_EMULATOR_HOME/devices/<name>`, else `$XDG_STATE_HOME/sphere/emulators/<name>`,
 *                   else `~/.local/state/sphere/emulators/<name>` (or `--state-dir`)
 * Reading needs only node:fs, so a client finds emulators without loading the emulator itself.
 * Pure of process.env: callers pass the environment and home folder.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';

export const EMULATOR_HOME_ENV = 'SPHERE_EMULATOR_HOME';

type Env = Readonly<Record<string, string | undefined>>;

export interface RegistryEntry {
  name: string;
  pid: number;
  host: string;
  port: number;
  url: string;
  stateDir: string;
  deviceId: string;
  caPem: string;
  startedAt: string;
  /** The REST-API-Version it reports (older than the newest with `--rest-api-version`). */
  restApiVersion?: string;
  /** Its recovery channel. */
  recovery?: string;
  /** Its local control channel (board I/O, the app runtime's status). */
  control?: string;
  /** The apps' clock: real or virtual. */
  clock?: string;
  logFile?: string;
}

function set(v: string | undefined): v is string {
  return v !== undefined && v !== '';
}

export function runtimeDir(env: Env, homedir: string): string {
  const home = env[EMULATOR_HOME_ENV];
  if (set(home)) return join(home, 'run');
  const xdg = env['XDG_RUNTIME_DIR'];
  if (set(xdg) && isAbsolute(xdg)) return join(xdg, 'sphere', 'emulators');
  return join(homedir, '.cache', 'sphere', 'emulators', 'run');
}

export function defaultStateDir(name: string, env: Env, homedir: string): string {
  const home = env[EMULATOR_HOME_ENV];
  if (set(home)) return join(home, 'devices', name);
  const xdg = env['XDG_STATE_HOME'];
  if (set(xdg) && isAbsolute(xdg)) return join(xdg, 'sphere', 'emulators', name);
  return join(homedir, '.local', 'state', 'sphere', 'emulators', name);
}

/** Whether a process with this pid exists (EPERM means it does, owned by someone else). */
export function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A zombie (exited, not yet reaped — e.g. under an init that does not reap) is not running.
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

/**
 * The entry at `path` if its emulator runs. An entry whose process is gone (an emulator that
 * crashed or was killed: one that stops cleanly removes its own) is read as absent but left in
 * place, so `sphere emulator list` and `status` can report the crash; `emulator stop` or the next
 * `emulator start` of that name clears it.
 */
export function readRegistryFile(path: string): RegistryEntry | undefined {
  const r = readRegistryRecord(path);
  return r?.alive ? r.entry : undefined;
}

/** The entry at `path` whether or not its process still runs. */
export function readRegistryRecord(path: string): { entry: RegistryEntry; alive: boolean } | undefined {
  let entry: RegistryEntry;
  try { entry = JSON.parse(readFileSync(path, 'utf8')) as RegistryEntry; } catch { return undefined; }
  if (entry === null || typeof entry !== 'object' || typeof entry.name !== 'string') return undefined;
  return { entry, alive: isAlive(entry.pid) };
}

/** Every entry of the registry folder, running or not, by name. */
export function readRegistryRecords(dir: string): Array<{ entry: RegistryEntry; alive: boolean }> {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.endsWith('.json') && !f.startsWith('.'))
    .map((f) => { try { return readRegistryRecord(join(dir, f)); } catch { return undefined; } })
    .filter((r): r is { entry: RegistryEntry; alive: boolean } => r !== undefined)
    .sort((a, b) => a.entry.name.localeCompare(b.entry.name));
}

/** Every running emulator in the registry folder, by name. */
export function readRegistry(dir: string): RegistryEntry[] {
  return readRegistryRecords(dir).filter((r) => r.alive).map((r) => r.entry);
}
