/**
 * Process entry of the bundle. `--version` answers before any other module initialises, so the
 * most frequent scripted call costs little more than Node's own start; everything else loads
 * cli/main.ts (bundled, initialised on demand).
 */
declare const __SPHERE_VERSION__: string;

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-v')) {
  process.stdout.write((typeof __SPHERE_VERSION__ === 'string' ? __SPHERE_VERSION__ : '0.0.0-dev') + '\n');
} else {
  import('./main').then(
    (m) => m.main(process.argv).then((code) => { process.exitCode = code; }),
  ).catch((e: unknown) => {
    process.stderr.write(`error: ${String(e)}\n`);
    process.exitCode = 1;
  });
}
