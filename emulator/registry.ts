/**
 * Where emulators live on this machine (documented in emulator/README.md):
 *   runtime folder  `$SPHERE_EMULATOR_HOME/run`, else `$XDG_RUNTIME_DIR/sphere/emulators`, else
 *                   `~/.cache/sphere/emulators/run` — one `<name>.json` per running emulator
 *                   (pid, address, port, state folder, device ID, CA PEM), written by the emulator
 *                   once it answers and removed when it stops
 *   state folders   `$SPHERE_EMULATOR_HOME/devices/<name>`, else `$XDG_STATE_HOME/sphere/emulators/<name>`,
 *                   else `~/.local/state/sphere/emulators/<name>` (or `--state-dir`)
 * Also the state-folder lock that keeps two emulators off one flash. Pure of process.env: callers
 * pass the environment and home folder.
 */
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeSync, constants } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { UsageError } from '../image-builder/index';
import { writeAtomic } from './flash';

export const EMULATOR_HOME_ENV = 'SPHERE_EMULATOR_HOME';
export const DEFAULT_NAME = 'default';

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
  /** Its recovery channel (recovery.ts). */
  recovery?: string;
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

export function checkName(name: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(name)) {
    throw new UsageError(`Cannot use emulator name "${name}": use 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit. Pick another --name.`, { code: 'BAD_NAME' });
  }
  return name;
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

export class Registry {
  readonly dir: string;
  constructor(dir: string) { this.dir = dir; }

  #path(name: string): string { return join(this.dir, `${checkName(name)}.json`); }

  write(entry: RegistryEntry): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    writeAtomic(this.#path(entry.name), JSON.stringify(entry, null, 2) + '\n');
  }

  /** The entry of a running emulator; stale entries (process gone) are removed and read as absent. */
  get(name: string): RegistryEntry | undefined {
    const p = this.#path(name);
    let entry: RegistryEntry;
    try { entry = JSON.parse(readFileSync(p, 'utf8')) as RegistryEntry; } catch { return undefined; }
    if (!isAlive(entry.pid)) { rmSync(p, { force: true }); return undefined; }
    return entry;
  }

  /** Removes the entry only if it still belongs to `pid` (a newer emulator may have taken the name). */
  remove(name: string, pid?: number): void {
    const p = this.#path(name);
    if (pid !== undefined) {
      try {
        const e = JSON.parse(readFileSync(p, 'utf8')) as RegistryEntry;
        if (e.pid !== pid) return;
      } catch { return; }
    }
    rmSync(p, { force: true });
  }

  list(): RegistryEntry[] {
    if (!existsSync(this.dir)) return [];
    return readdirSync(this.dir).filter((f) => f.endsWith('.json') && !f.startsWith('.'))
      .map((f) => { try { return this.get(f.slice(0, -5)); } catch { return undefined; } })
      .filter((e): e is RegistryEntry => e !== undefined)
      .sort((a, b) => a.name.localeCompare(b.name));
  }
}

/** Takes `<state>/lock` for this process; a lock held by a live process is refused. Returns the release function. */
export function lockStateDir(stateDir: string, pid = process.pid): () => void {
  mkdirSync(stateDir, { recursive: true });
  const path = join(stateDir, 'lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o644);
      writeSync(fd, `${pid}\n`);
      closeSync(fd);
      return () => {
        try { if (readFileSync(path, 'utf8').trim() === String(pid)) rmSync(path, { force: true }); } catch { /* gone */ }
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      let holder = NaN;
      try { holder = Number(readFileSync(path, 'utf8').trim()); } catch { /* vanished meanwhile */ }
      if (isAlive(holder)) {
        throw new UsageError(`Cannot start an emulator on state folder "${stateDir}": emulator process ${holder} uses it. Stop that emulator or pick another --state-dir.`, { code: 'STATE_IN_USE', path: stateDir });
      }
      rmSync(path, { force: true }); // stale: its process died without releasing it
    }
  }
  throw new UsageError(`Cannot lock state folder "${stateDir}": another process keeps taking it. Try again.`, { code: 'STATE_IN_USE', path: stateDir });
}
