/**
 * The SDK side of the CLI: the embedded SDK files, writing them out for CMake, the host tools a
 * build needs, and building an app project with them.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export { sdkFiles, readSdkFolder, type SdkFiles } from './files';
export { planSdk, ensureSdk, sdkHome, readSdkManifest, toolRecord, type SdkPlan, type SdkEntry, type SdkManifest, type EnsureSdkResult } from './install';
export { checkTools, findExecutable, type ToolStatus, type ToolCheckOptions } from './tools';
export { buildApp, presetBinaryDir, type BuildOptions, type BuildResult } from './build';

/**
 * How to run this same program again, from any folder (CMake runs it in the build folder): the
 * single executable itself, or node with the script and its loaders (`--import tsx` resolved to
 * the loader's file, since a bare name would be looked up from the build folder).
 */
export function selfCommand(argv: readonly string[] = process.argv, execPath = process.execPath, execArgv: readonly string[] = process.execArgv, cwd = process.cwd()): string[] {
  const script = argv[1];
  if (!script || !/\.(c|m)?[jt]s$/.test(script)) return [execPath];
  const args = execArgv.map((a, i) => (i > 0 && /^--(import|loader|experimental-loader)$/.test(execArgv[i - 1]!) ? resolveLoader(a, cwd) : a));
  return [execPath, ...args, resolve(cwd, script)];
}

function resolveLoader(spec: string, cwd: string): string {
  if (!/^[@a-z0-9]/i.test(spec) || spec.includes(':')) return spec;
  try {
    const dir = join(cwd, 'node_modules', spec);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { exports?: unknown; main?: string };
    const dot = (pkg.exports as Record<string, unknown> | undefined)?.['.'] ?? pkg.exports;
    const entry = typeof dot === 'string' ? dot : (dot as { import?: unknown; default?: unknown } | undefined)?.import ?? (dot as { default?: unknown } | undefined)?.default ?? pkg.main;
    return typeof entry === 'string' ? pathToFileURL(join(dir, entry)).href : spec;
  } catch {
    return spec;
  }
}
