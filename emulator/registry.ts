/**
 * The emulator's side of the registry (its format, locations and reading are the contract in
 * sideload/protocol/registry.ts): writing and removing entries, names, and the state-folder lock
 * that keeps two emulators off one flash.
 */
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeSync, constants } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../image-builder/index';
import { writeAtomic } from './flash';
import { isAlive, readRegistry, readRegistryFile, readRegistryRecord, readRegistryRecords, type RegistryEntry } from '../sideload/protocol/index';

export { EMULATOR_HOME_ENV, defaultStateDir, isAlive, runtimeDir, type RegistryEntry } from '../sideload/protocol/index';

export const DEFAULT_NAME = 'default';

export function checkName(name: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(name)) {
    throw new UsageError(`Cannot use emulator name "${name}": use 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit. Pick another --name.`, { code: 'BAD_NAME' });
  }
  return name;
}

export class Registry {
  readonly dir: string;
  constructor(dir: string) { this.dir = dir; }

  #path(name: string): string { return join(this.dir, `${checkName(name)}.json`); }

  write(entry: RegistryEntry): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    writeAtomic(this.#path(entry.name), JSON.stringify(entry, null, 2) + '\n');
  }

  /** The entry of a running emulator; an entry whose process is gone reads as absent (see `record`). */
  get(name: string): RegistryEntry | undefined {
    return readRegistryFile(this.#path(name));
  }

  /** The entry of `name` whether its process runs or not: one that is gone crashed or was killed. */
  record(name: string): { entry: RegistryEntry; alive: boolean } | undefined {
    return readRegistryRecord(this.#path(name));
  }

  /** Every entry, running or not. */
  records(): Array<{ entry: RegistryEntry; alive: boolean }> {
    return readRegistryRecords(this.dir);
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
    return readRegistry(this.dir);
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
