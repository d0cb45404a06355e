/**
 * Helpers for the SDK's tests: whether the C toolchain and ../shared are there (tests skip with
 * one line saying why), building a test app (test/fixtures/apps/<name>) or a project with
 * `sphere app build` from a scratch copy, and reading a module's imports and exports.
 */
import { cpSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { checkTools } from '../../cli/sdk/index';
import { sphere, type RunResult } from '../helpers';

export const SHARED_SAMPLES = resolve('../shared/fixtures/samples');
export const TEST_APPS = resolve('test/fixtures/apps');

let toolReason: string | undefined;
/** Why builds cannot run here ('' when they can). */
export function toolchainMissing(): string {
  toolReason ??= (() => {
    const missing = checkTools().filter((t) => !t.present);
    return missing.length ? `${missing.map((t) => `${t.name} (Debian ${t.package})`).join(', ')} missing` : '';
  })();
  return toolReason;
}

/** Why the samples cannot be built here ('' when they can). */
export function samplesMissing(): string {
  if (!existsSync(SHARED_SAMPLES)) return `${SHARED_SAMPLES} is not there (a clone without ../shared)`;
  return toolchainMissing();
}

/** Prints the skip line and tells the test to return. */
export function skipped(reason: string): boolean {
  if (reason) console.log(`  (skipped: ${reason})`);
  return reason !== '';
}

export interface BuiltApp { dir: string; package: string; wasm: Uint8Array; result: Record<string, unknown> }

/** Copies a project to `into` and builds it with `sphere app build -o json`. */
export function buildProject(source: string, into: string, env: Record<string, string | undefined>, extra: string[] = []): { run: RunResult; built?: BuiltApp } {
  const dir = join(into, source.split('/').pop()!);
  cpSync(source, dir, { recursive: true, filter: (s) => !/[\\/]out([\\/]|$)/.test(s.slice(source.length)) });
  const run = sphere(['app', 'build', dir, '-o', 'json', ...extra], { env, timeout: 240_000 });
  if (run.code !== 0) return { run };
  const result = JSON.parse(run.stdout) as Record<string, unknown>;
  const project = String(result['project']);
  const wasm = readFileSync(join(String(result['buildDir']), `approot${project}`, 'bin', 'app'));
  return { run, built: { dir, package: String(result['package']), wasm, result } };
}

/** Builds test/fixtures/apps/<name> into `into`. */
export function buildTestApp(name: string, into: string, env: Record<string, string | undefined>, extra: string[] = []): BuiltApp {
  const { run, built } = buildProject(join(TEST_APPS, name), into, env, extra);
  if (!built) throw new Error(`sphere app build ${name} failed (${run.code}): ${run.stderr}`);
  return built;
}

/** The applibs import names sphere_host.h declares. */
export function hostImportNames(): Set<string> {
  const h = readFileSync('sdk/sysroot/src/applibs/sphere_host.h', 'utf8');
  return new Set([...h.matchAll(/SPHERE_IMPORT\("([a-z_0-9]+)"\)/g)].map((m) => m[1]!));
}

export function moduleFace(wasm: Uint8Array): { imports: WebAssembly.ModuleImportDescriptor[]; exports: WebAssembly.ModuleExportDescriptor[] } {
  const m = new WebAssembly.Module(wasm);
  return { imports: WebAssembly.Module.imports(m), exports: WebAssembly.Module.exports(m) };
}
