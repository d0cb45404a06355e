/**
 * The apps' log on the device's flash (`<state>/logs/apps.log`, JSON lines): each app's Log_Debug
 * output and the emulator's own lines about apps (start, denial, crash, restart), with the wall
 * time and the emulated time since boot. Bounded: past MAX_APP_LOG_BYTES the file moves to
 * `apps.log.1` (the one before is dropped), so it survives restarts without growing without end.
 * Writes are batched so an app that logs in a loop does not hold up the device's other work.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const MAX_APP_LOG_BYTES = 1024 * 1024;
const FLUSH_MS = 50;
const FLUSH_BYTES = 64 * 1024;

export interface AppLogLine {
  /** Wall-clock ms. */
  t: number;
  /** Emulated ms since boot. */
  clock: number;
  app: string;
  source: 'app' | 'emulator';
  text: string;
}

export function appLogPath(stateDir: string): string {
  return join(stateDir, 'logs', 'apps.log');
}

export class AppLog {
  readonly path: string;
  #pending: string[] = [];
  #pendingBytes = 0;
  #timer: NodeJS.Timeout | undefined;
  /** Every line as it is written (the debug output stream, the board page). */
  readonly listeners = new Set<(line: AppLogLine) => void>();

  constructor(stateDir: string) {
    this.path = appLogPath(stateDir);
    mkdirSync(join(stateDir, 'logs'), { recursive: true });
  }

  write(line: AppLogLine): void {
    const text = JSON.stringify(line) + '\n';
    this.#pending.push(text);
    this.#pendingBytes += text.length;
    for (const l of this.listeners) l(line);
    if (this.#pendingBytes >= FLUSH_BYTES) this.flush();
    else if (!this.#timer) { this.#timer = setTimeout(() => this.flush(), FLUSH_MS); this.#timer.unref?.(); }
  }

  flush(): void {
    if (this.#timer) { clearTimeout(this.#timer); this.#timer = undefined; }
    if (!this.#pending.length) return;
    const data = this.#pending.join('');
    this.#pending = [];
    this.#pendingBytes = 0;
    try {
      let size = 0;
      try { size = statSync(this.path).size; } catch { size = 0; }
      if (size + data.length > MAX_APP_LOG_BYTES && size > 0) renameSync(this.path, this.path + '.1');
      appendFileSync(this.path, data);
    } catch { /* a full or vanished state folder must not stop the device */ }
  }
}

/** Reads the log (the rotated part first), keeping lines that parse; `app` keeps one component's. */
export function readAppLog(stateDir: string, o: { app?: string } = {}): AppLogLine[] {
  const path = appLogPath(stateDir);
  const out: AppLogLine[] = [];
  for (const p of [path + '.1', path]) {
    if (!existsSync(p)) continue;
    for (const l of readFileSync(p, 'utf8').split('\n')) {
      if (!l) continue;
      try {
        const x = JSON.parse(l) as AppLogLine;
        if (o.app === undefined || x.app.toLowerCase() === o.app.toLowerCase()) out.push(x);
      } catch { /* a torn last line after a kill */ }
    }
  }
  return out;
}
