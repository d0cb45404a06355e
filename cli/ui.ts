/**
 * Everything that reaches the terminal besides results: colour (kleur, honouring NO_COLOR,
 * FORCE_COLOR and non-TTY), warnings, notes and progress — all on stderr, so stdout carries only
 * results and `--output json` is never mixed with anything else.
 */
import kleur from 'kleur';

export interface Ui {
  color: boolean;
  /** Whether stderr is an interactive terminal (progress bars only then, never in CI). */
  interactive: boolean;
  warn(message: string): void;
  note(message: string): void;
  error(message: string): void;
  /** A step, shown with --verbose (and --debug). */
  verbose(message: string): void;
  /** Internals such as HTTP exchanges and timings, shown with --debug. */
  debug(message: string): void;
  /** Whether --debug is on (to skip building debug text otherwise). */
  debugging: boolean;
  /** A progress line that redraws in place on a TTY; silent elsewhere. */
  progress(label: string, done: number, total: number): void;
  progressEnd(): void;
  paint: typeof kleur;
}

export function colorEnabled(env: NodeJS.ProcessEnv, isTTY: boolean): boolean {
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  if (env['FORCE_COLOR'] !== undefined) return env['FORCE_COLOR'] !== '0' && env['FORCE_COLOR'] !== 'false';
  return isTTY && env['TERM'] !== 'dumb';
}

/** az's verbosity switches: --verbose shows steps, --debug also internals, --only-show-errors hides warnings. */
export interface Verbosity { verbose?: boolean; debug?: boolean; onlyShowErrors?: boolean }

export function createUi(env: NodeJS.ProcessEnv, stderr: NodeJS.WriteStream = process.stderr, level: Verbosity = {}): Ui {
  const isTTY = Boolean(stderr.isTTY);
  const color = colorEnabled(env, isTTY);
  kleur.enabled = color;
  const interactive = isTTY && !env['CI'];
  let drawn = false;
  const line = (s: string): void => {
    if (drawn) { stderr.write('\r\x1b[2K'); drawn = false; }
    stderr.write(s + '\n');
  };
  return {
    color, interactive, paint: kleur,
    warn: (m) => { if (!level.onlyShowErrors) line(`${kleur.yellow('warning')}: ${m}`); },
    verbose: (m) => { if (level.verbose || level.debug) line(`${kleur.dim('info')}: ${m}`); },
    debug: (m) => { if (level.debug) line(`${kleur.dim('debug')}: ${m}`); },
    debugging: Boolean(level.debug),
    note: (m) => line(m),
    error: (m) => line(`${kleur.red('error')}: ${m}`),
    progress(label, done, total) {
      if (!interactive) return;
      const pct = total ? Math.min(100, Math.floor((done / total) * 100)) : 0;
      const width = 24;
      const fill = Math.round((pct / 100) * width);
      stderr.write(`\r\x1b[2K${label} [${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${pct}%`);
      drawn = true;
    },
    progressEnd() {
      if (drawn) { stderr.write('\r\x1b[2K'); drawn = false; }
    },
  };
}
