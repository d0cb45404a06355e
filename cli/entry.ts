/**
 * Process entry of the bundle. `--version` answers before any other module initialises, so the
 * most frequent scripted call costs little more than Node's own start; everything else loads
 * cli/main.ts (bundled, initialised on demand).
 *
 * The build's warm-up (scripts/warm.mjs) loads this bundle with `__SPHERE_WARMUP__` set, calls
 * `run` for a series of commands and saves V8's code cache of everything they compiled; the
 * executable's loader (cli/sea-loader.ts) hands that cache back, so commands start compiled.
 */
declare const __SPHERE_VERSION__: string;

/** Runs one command line (`argv` as in `process.argv`); resolves to its exit code. */
export function run(argv: string[]): Promise<number> {
  const args = argv.slice(2);
  if (args.length === 1 && (args[0] === '--version' || args[0] === '-v')) {
    process.stdout.write((typeof __SPHERE_VERSION__ === 'string' ? __SPHERE_VERSION__ : '0.0.0-dev') + '\n');
    return Promise.resolve(0);
  }
  return import('./main').then((m) => m.main(argv)).catch((e: unknown) => {
    process.stderr.write(`error: ${String(e)}\n`);
    return 1;
  });
}

if ((globalThis as Record<string, unknown>)['__SPHERE_WARMUP__'] !== true) {
  // A reader that leaves early (`sphere … | head -1`) ends the output, not with a crash: files
  // are written to a temporary name and renamed, so stopping here loses nothing.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => { if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0); else throw e; });
  void run(process.argv).then((code) => { process.exitCode = code; });
}
