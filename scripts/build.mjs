/**
 * Builds dist/sphere: esbuild bundles cli/entry.ts into one CommonJS file, scripts/warm.mjs runs
 * the everyday commands on it to produce V8's code cache, then Node's single-executable-application
 * mechanism (a SEA blob injected with postject into a copy of the local node binary) turns the
 * loader (cli/sea-loader.ts) with the bundle and the cache as assets into a standalone executable
 * that needs no node_modules.
 *
 *   node scripts/build.mjs            bundle + executable
 *   node scripts/build.mjs --bundle   bundle only (dist/sphere.cjs)
 */
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync, chmodSync, renameSync, rmSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const bundleOnly = process.argv.includes('--bundle');
mkdirSync('dist', { recursive: true });

/**
 * The SDK (sdk/: headers, C sources, CMake files, hardware definitions) travels inside the bundle
 * as the virtual module `sphere:sdk-files` ({ relative path: UTF-8 text }), which
 * `sphere sdk path` writes out (cli/sdk/files.ts).
 */
function sdkFilesPlugin() {
  const files = {};
  const walk = (dir) => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) { walk(p); continue; }
      const bytes = readFileSync(p);
      const text = bytes.toString('utf8');
      if (!Buffer.from(text, 'utf8').equals(bytes)) throw new Error(`build: ${p} is not UTF-8 text; the SDK embeds text files only`);
      files[relative('sdk', p).split(sep).join('/')] = text;
    }
  };
  return {
    name: 'sphere-sdk-files',
    setup(b) {
      b.onResolve({ filter: /^sphere:sdk-files$/ }, () => ({ path: 'sdk-files', namespace: 'sphere-sdk' }));
      b.onLoad({ filter: /.*/, namespace: 'sphere-sdk' }, () => {
        walk('sdk');
        return { contents: `export default ${JSON.stringify(files)};`, loader: 'js', watchFiles: Object.keys(files).map((f) => join('sdk', f)) };
      });
    },
  };
}

/** The board page (emulator/view/assets) as the virtual module `sphere:view-assets` ({ html, js, css }). */
function viewAssetsPlugin() {
  const dir = 'emulator/view/assets';
  return {
    name: 'sphere-view-assets',
    setup(b) {
      b.onResolve({ filter: /^sphere:view-assets$/ }, () => ({ path: 'view-assets', namespace: 'sphere-view' }));
      b.onLoad({ filter: /.*/, namespace: 'sphere-view' }, () => {
        const read = (f) => readFileSync(join(dir, f), 'utf8');
        const assets = { html: read('board.html'), js: read('board.js'), css: read('board.css') };
        return { contents: `export default ${JSON.stringify(assets)};`, loader: 'js', watchFiles: ['board.html', 'board.js', 'board.css'].map((f) => join(dir, f)) };
      });
    },
  };
}

const t0 = Date.now();
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minify: true,
  legalComments: 'none',
  sourcemap: false,
  logLevel: 'warning',
  define: {
    __SPHERE_VERSION__: JSON.stringify(pkg.version),
  },
};
// An app's worker thread runs its own small bundle, carried in the main one as text (a single
// executable has no file to start a worker from).
// (import.meta.url only names the worker's source file for runs from the sources.)
common.define['import.meta.url'] = '""';
const worker = await build({ ...common, entryPoints: ['emulator/runtime/worker.ts'], write: false });
common.define.__SPHERE_APP_WORKER__ = JSON.stringify(worker.outputFiles[0].text);
await build({ ...common, entryPoints: ['cli/entry.ts'], outfile: 'dist/sphere.cjs', plugins: [sdkFilesPlugin(), viewAssetsPlugin()] });
// A single-executable app has no dynamic-import hook: every import() must be bundled.
const leftover = readFileSync('dist/sphere.cjs', 'utf8').match(/\bimport\("[^"]+"\)/g);
if (leftover) {
  process.stderr.write(`build: unbundled dynamic imports would fail at run time: ${leftover.join(', ')}\n`);
  process.exit(1);
}
process.stderr.write(`bundle: dist/sphere.cjs (${Date.now() - t0} ms)\n`);
if (bundleOnly) process.exit(0);

// The executable's main script is a small loader; the bundle and its code cache travel as assets.
await build({ ...common, entryPoints: ['cli/sea-loader.ts'], outfile: 'dist/sea-loader.cjs' });
execFileSync(process.execPath, ['scripts/warm.mjs', 'dist/sphere.cjs', 'dist/sphere.cache'], { stdio: ['ignore', 'ignore', 'inherit'], timeout: 300_000 });

const config = {
  main: 'dist/sea-loader.cjs',
  output: 'dist/sphere.blob',
  disableExperimentalSEAWarning: true,
  useCodeCache: false,
  assets: { 'sphere.cjs': 'dist/sphere.cjs', 'sphere.cache': 'dist/sphere.cache' },
};
writeFileSync('dist/sea-config.json', JSON.stringify(config));
execFileSync(process.execPath, ['--experimental-sea-config', 'dist/sea-config.json'], { stdio: ['ignore', 'ignore', 'inherit'] });

// Inject into a temporary copy, then rename: a killed build never leaves a broken dist/sphere.
const tmp = 'dist/.sphere.tmp';
rmSync(tmp, { force: true });
copyFileSync(process.execPath, tmp);
chmodSync(tmp, 0o755);
const { inject } = require('postject');
await inject(tmp, 'NODE_SEA_BLOB', readFileSync(config.output), {
  sentinelFuse: 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2',
});
renameSync(tmp, 'dist/sphere');
rmSync(config.output, { force: true });
process.stderr.write(`executable: dist/sphere (${Date.now() - t0} ms)\n`);
