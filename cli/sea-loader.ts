/**
 * Main script of the single executable (scripts/build.mjs): answers `--version` at once, else
 * compiles the bundle (asset `sphere.cjs`) with the code cache the build's warm-up produced
 * (asset `sphere.cache`), so the functions the usual commands run are not compiled again in every
 * process. A cache V8 refuses (another Node) only costs that compilation. `SPHERE_CODE_CACHE=report`
 * prints on stderr whether the cache was taken.
 *
 * The wrapper around the bundle must be byte-for-byte the one scripts/warm.mjs compiles: V8 takes
 * a cache only for the very source it was made from.
 */
declare const __SPHERE_VERSION__: string;

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-v')) {
  // One write on fd 1: no module is loaded and no stream is set up, so this costs less than
  // Node's own `node -e 0`.
  try { (require('node:fs') as typeof import('node:fs')).writeSync(1, __SPHERE_VERSION__ + '\n'); } catch { /* a reader that left (EPIPE): nothing to say */ }
} else {
  // Required here, not at the top: `--version` needs neither.
  const { getAsset } = require('node:sea') as typeof import('node:sea');
  const { Script } = require('node:vm') as typeof import('node:vm');
  const source = '(function (exports, require, module, __filename, __dirname) {' + getAsset('sphere.cjs', 'utf8') + '\n})';
  let cachedData: Buffer | undefined;
  try { cachedData = Buffer.from(getAsset('sphere.cache')); } catch { cachedData = undefined; }
  const script = new Script(source, { filename: 'sphere.cjs', ...(cachedData ? { cachedData } : {}) });
  if (process.env['SPHERE_CODE_CACHE'] === 'report') {
    process.stderr.write(`code cache: ${!cachedData ? 'absent' : script.cachedDataRejected ? 'rejected' : 'accepted'}\n`);
  }
  const mod = { exports: {} };
  (script.runInThisContext() as (e: unknown, r: NodeRequire, m: unknown, f: string, d: string) => void)(mod.exports, require, mod, 'sphere.cjs', '.');
}
