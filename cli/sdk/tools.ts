/**
 * The host tools an app build needs (`sphere sdk check`, and the first step of `sphere app
 * build`): clang with its WebAssembly target, the wasm-ld linker, Debian's wasi-libc, clang's
 * builtins library for wasm32, CMake and Ninja — each found or missing, with the Debian package
 * that provides it.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';

export interface ToolStatus {
  /** Short name: clang, wasm-ld, wasi-libc, clang-rt-builtins, cmake, ninja. */
  name: string;
  /** What it is for. */
  purpose: string;
  present: boolean;
  /** The executable or file found. */
  path: string | null;
  version: string | null;
  /** The Debian package that provides it. */
  package: string;
  /** Why it counts as missing (or a note when present). */
  detail: string | null;
}

export interface ToolCheckOptions {
  env?: NodeJS.ProcessEnv;
  /** wasi-libc's folders (sdk.json's wasiLibc). */
  wasiLibc?: { include: string; lib: string };
}

export const MIN_CMAKE = [3, 20] as const;
const DEFAULT_WASI = { include: '/usr/include/wasm32-wasi', lib: '/usr/lib/wasm32-wasi' };

/** The first executable called one of `names` on PATH. */
export function findExecutable(names: readonly string[], env: NodeJS.ProcessEnv): string | undefined {
  const dirs = (env['PATH'] ?? '').split(delimiter).filter(Boolean);
  for (const name of names) {
    if (isAbsolute(name)) { if (isExecutable(name)) return name; continue; }
    for (const d of dirs) {
      const p = join(d, name);
      if (isExecutable(p)) return p;
    }
  }
  return undefined;
}

function isExecutable(p: string): boolean {
  try {
    if (!statSync(p).isFile()) return false;
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function run(program: string, args: string[], env: NodeJS.ProcessEnv): { ok: boolean; out: string } {
  const r = spawnSync(program, args, { env, encoding: 'utf8', timeout: 20_000, stdio: ['ignore', 'pipe', 'pipe'] });
  return { ok: r.status === 0, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

const CLANG_NAMES = ['clang', 'clang-14', 'clang-15', 'clang-16', 'clang-17', 'clang-18', 'clang-19'];

/** Checks every tool; the order is the order a build needs them in. */
export function checkTools(options: ToolCheckOptions = {}): ToolStatus[] {
  const env = options.env ?? process.env;
  const wasi = options.wasiLibc ?? DEFAULT_WASI;
  const out: ToolStatus[] = [];
  const status = (s: Omit<ToolStatus, 'detail'> & { detail?: string | null }): ToolStatus => ({ ...s, detail: s.detail ?? null });

  const clang = findExecutable(CLANG_NAMES, env);
  let major = '14';
  let clangOk = false;
  if (clang === undefined) {
    out.push(status({ name: 'clang', purpose: 'C compiler for WebAssembly', present: false, path: null, version: null, package: 'clang-14', detail: 'not on PATH' }));
  } else {
    const v = run(clang, ['-dumpversion'], env);
    const version = v.ok ? v.out.trim() : null;
    if (version && /^\d+/.test(version)) major = version.split('.')[0]!;
    const targets = run(clang, ['-print-targets'], env);
    clangOk = targets.ok && /\bwasm32\b/.test(targets.out);
    out.push(status({ name: 'clang', purpose: 'C compiler for WebAssembly', present: clangOk, path: clang, version, package: `clang-${major}`, detail: clangOk ? null : 'this clang has no wasm32 target' }));
  }

  let linker: string | undefined;
  if (clang !== undefined) {
    const p = run(clang, ['-print-prog-name=wasm-ld'], env).out.trim();
    if (isAbsolute(p) && isExecutable(p)) linker = p;
  }
  linker ??= findExecutable(['wasm-ld', `wasm-ld-${major}`], env);
  out.push(status({ name: 'wasm-ld', purpose: 'WebAssembly linker (lld)', present: linker !== undefined, path: linker ?? null, version: null, package: `lld-${major}`, detail: linker ? null : 'not found beside clang nor on PATH' }));

  const libc = join(wasi.lib, 'libc.a');
  const header = join(wasi.include, 'stdio.h');
  const libcOk = existsSync(libc) && existsSync(header);
  out.push(status({ name: 'wasi-libc', purpose: 'C library for wasm32-wasi', present: libcOk, path: libcOk ? wasi.lib : null, version: null, package: 'wasi-libc', detail: libcOk ? null : `no ${existsSync(libc) ? header : libc}` }));

  let builtins: string | undefined;
  if (clang !== undefined && clangOk) {
    const p = run(clang, ['--target=wasm32-wasi', '-rtlib=compiler-rt', '-print-libgcc-file-name'], env).out.trim();
    if (isAbsolute(p) && existsSync(p)) builtins = p;
  }
  out.push(status({ name: 'clang-rt-builtins', purpose: "clang's runtime builtins for wasm32", present: builtins !== undefined, path: builtins ?? null, version: null, package: `libclang-rt-${major}-dev-wasm32`, detail: builtins ? null : clang ? 'libclang_rt.builtins-wasm32.a not found in clang\'s resource folder' : 'needs clang' }));

  const cmake = findExecutable(['cmake'], env);
  let cmakeVersion: string | null = null;
  let cmakeOk = false;
  if (cmake !== undefined) {
    const m = /cmake version (\d+)\.(\d+)(\.\d+)?/.exec(run(cmake, ['--version'], env).out);
    if (m) {
      cmakeVersion = `${m[1]}.${m[2]}${m[3] ?? ''}`;
      const [a, b] = [Number(m[1]), Number(m[2])];
      cmakeOk = a > MIN_CMAKE[0] || (a === MIN_CMAKE[0] && b >= MIN_CMAKE[1]);
    }
  }
  out.push(status({ name: 'cmake', purpose: `build system (${MIN_CMAKE.join('.')} or later, presets)`, present: cmakeOk, path: cmake ?? null, version: cmakeVersion, package: 'cmake', detail: cmake === undefined ? 'not on PATH' : cmakeOk ? null : `version ${cmakeVersion ?? 'unknown'} is older than ${MIN_CMAKE.join('.')}` }));

  const ninja = findExecutable(['ninja', 'ninja-build'], env);
  const ninjaVersion = ninja ? run(ninja, ['--version'], env).out.trim() || null : null;
  out.push(status({ name: 'ninja', purpose: 'build tool CMake drives', present: ninja !== undefined, path: ninja ?? null, version: ninjaVersion, package: 'ninja-build', detail: ninja ? null : 'not on PATH' }));
  return out;
}
