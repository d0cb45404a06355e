/**
 * Writing the SDK out for CMake (`sphere sdk path`): a plan (every file and link of the layout
 * spec/applibs.md §4.4 describes), then one write into a versioned folder, made complete in a
 * temporary folder and renamed into place, so a folder that exists is whole. The folder name
 * holds the version and a hash of the plan, so an upgrade writes a new one beside the old.
 *
 *   CMakeFiles/            toolchain and functions (+ SphereTool.cmake: the sphere executable)
 *   HardwareDefinitions/   mt3620.json, mt3620_rdb.json, inc/hw/*.h
 *   Sysroots/<set>/        usr/include (SDK headers), usr/src/applibs (C sources),
 *                          include/wasm32-wasi, lib/wasm32-wasi (links to Debian's wasi-libc)
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { SdkFiles } from './files';

export interface SdkManifest {
  apiSets: string[];
  toolsRevisions: string[];
  wasiLibc: { include: string; lib: string };
}

export type SdkEntry = { path: string; kind: 'file'; bytes: Uint8Array } | { path: string; kind: 'link'; target: string };

export interface SdkPlan {
  /** `<version>-<hash>`: the folder name under the SDK home. */
  name: string;
  manifest: SdkManifest;
  entries: SdkEntry[];
}

/** The SDK's own description (sdk/sdk.json). */
export function readSdkManifest(files: SdkFiles): SdkManifest {
  const bytes = files.get('sdk.json');
  if (!bytes) throw new Error('the SDK files have no sdk.json');
  const m = JSON.parse(Buffer.from(bytes).toString('utf8')) as SdkManifest;
  if (!Array.isArray(m.apiSets) || !Array.isArray(m.toolsRevisions) || typeof m.wasiLibc?.include !== 'string') throw new Error('sdk.json lacks apiSets, toolsRevisions or wasiLibc');
  return m;
}

/** Where SDKs live: $SPHERE_SDK_HOME, else $XDG_CACHE_HOME/sphere/sdk, else ~/.cache/sphere/sdk. */
export function sdkHome(env: NodeJS.ProcessEnv): string {
  if (env['SPHERE_SDK_HOME']) return env['SPHERE_SDK_HOME'];
  if (env['XDG_CACHE_HOME']) return join(env['XDG_CACHE_HOME'], 'sphere', 'sdk');
  return join(env['HOME'] || homedir(), '.cache', 'sphere', 'sdk');
}

/** Every file and link of the written SDK, and the folder name that identifies them. */
export function planSdk(files: SdkFiles, version: string): SdkPlan {
  const manifest = readSdkManifest(files);
  const entries: SdkEntry[] = [];
  for (const [path, bytes] of files) {
    if (path.startsWith('sysroot/include/')) {
      for (const set of manifest.apiSets) entries.push({ path: `Sysroots/${set}/usr/include/${path.slice('sysroot/include/'.length)}`, kind: 'file', bytes });
    } else if (path.startsWith('sysroot/src/')) {
      for (const set of manifest.apiSets) entries.push({ path: `Sysroots/${set}/usr/src/${path.slice('sysroot/src/'.length)}`, kind: 'file', bytes });
    } else if (!path.startsWith('sysroot/')) {
      entries.push({ path, kind: 'file', bytes });
    }
  }
  for (const set of manifest.apiSets) {
    entries.push({ path: `Sysroots/${set}/include/wasm32-wasi`, kind: 'link', target: manifest.wasiLibc.include });
    entries.push({ path: `Sysroots/${set}/lib/wasm32-wasi`, kind: 'link', target: manifest.wasiLibc.lib });
  }
  entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const hash = createHash('sha256');
  for (const e of entries) {
    hash.update(`${e.kind}\0${e.path}\0`);
    hash.update(e.kind === 'file' ? e.bytes : e.target);
    hash.update('\0');
  }
  return { name: `${version.replace(/[^0-9A-Za-z.+-]/g, '_')}-${hash.digest('hex').slice(0, 12)}`, manifest, entries };
}

export interface EnsureSdkResult {
  path: string;
  /** Whether this call wrote the folder (false: it was already there). */
  created: boolean;
  plan: SdkPlan;
}

/**
 * Writes the planned SDK under `home` unless it is there already. `tool` (the sphere command as
 * program + arguments) is recorded in CMakeFiles/SphereTool.cmake for builds that do not set
 * SPHERE_TOOL; it is rewritten when it changes.
 */
export function ensureSdk(plan: SdkPlan, home: string, tool?: readonly string[]): EnsureSdkResult {
  const path = join(home, plan.name);
  let created = false;
  if (!existsSync(path)) {
    mkdirSync(home, { recursive: true });
    const tmp = mkdtempSync(join(home, `.${plan.name}.tmp-`));
    try {
      for (const e of plan.entries) {
        const p = join(tmp, e.path);
        mkdirSync(dirname(p), { recursive: true });
        if (e.kind === 'file') writeFileSync(p, e.bytes);
        else symlinkSync(e.target, p);
      }
      try {
        renameSync(tmp, path);
        created = true;
      } catch (err) {
        // Another process finished the same SDK first: theirs is as good.
        if (!existsSync(path)) throw err;
      }
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }
  if (tool && tool.length > 0) {
    try { recordTool(path, tool); } catch { /* best effort: builds can set SPHERE_TOOL */ }
  }
  return { path, created, plan };
}

/** The CMake text recording the sphere command, or undefined when it cannot be written as a list. */
export function toolRecord(tool: readonly string[]): string | undefined {
  if (tool.some((a) => a.includes(';') || /[\r\n]/.test(a))) return undefined;
  const quoted = tool.map((a) => a.replace(/[\\"$]/g, (c) => `\\${c}`)).join(';');
  return `# Written by "sphere sdk path": the sphere command that wrote this SDK (program and arguments).\nset(AZURE_SPHERE_RECORDED_TOOL "${quoted}")\n`;
}

function recordTool(sdk: string, tool: readonly string[]): void {
  const text = toolRecord(tool);
  if (text === undefined) return;
  const file = join(sdk, 'CMakeFiles', 'SphereTool.cmake');
  let current: string | undefined;
  try { current = readFileSync(file, 'utf8'); } catch { current = undefined; }
  if (current === text) return;
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}
