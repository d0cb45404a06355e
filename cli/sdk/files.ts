/**
 * The SDK's files (the repository's `sdk/` folder: headers, C sources, CMake files, hardware
 * definitions), as the executable carries them. scripts/build.mjs bundles them as the virtual
 * module `sphere:sdk-files`; run from source (tsx) the folder is read from the checkout.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/** Relative POSIX path → file bytes, sorted by path. */
export type SdkFiles = ReadonlyMap<string, Uint8Array>;

let cached: SdkFiles | undefined;

/** The embedded SDK files; from source, the checkout's `sdk/` folder (or `root` when given). */
export async function sdkFiles(root?: string): Promise<SdkFiles> {
  if (root !== undefined) return readSdkFolder(root);
  if (cached) return cached;
  let embedded: Record<string, string> | undefined;
  try {
    embedded = (await import('sphere:sdk-files')).default;
  } catch {
    embedded = undefined;
  }
  cached = embedded ? sorted(Object.entries(embedded).map(([k, v]) => [k, Buffer.from(v, 'utf8')])) : readSdkFolder(sourceFolder());
  return cached;
}

/** The checkout's sdk/ folder: beside the running script's folder, else in the working folder. */
function sourceFolder(): string {
  const script = process.argv[1];
  const candidates = [...(script ? [join(dirname(dirname(resolve(script))), 'sdk')] : []), resolve('sdk')];
  for (const c of candidates) {
    try {
      if (statSync(join(c, 'sdk.json')).isFile()) return c;
    } catch { /* next */ }
  }
  throw new Error(`the SDK's files are not embedded in this build and no sdk/ folder was found (looked in ${candidates.join(', ')})`);
}

/** Every file under `root`, keyed by its POSIX path relative to it. */
export function readSdkFolder(root: string): SdkFiles {
  const out: Array<[string, Uint8Array]> = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push([relative(root, p).split(sep).join('/'), readFileSync(p)]);
    }
  };
  walk(root);
  return sorted(out);
}

function sorted(entries: Array<[string, Uint8Array]>): SdkFiles {
  return new Map(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
