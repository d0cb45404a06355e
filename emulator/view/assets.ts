/**
 * The board page's files (emulator/view/assets: board.html, board.js, board.css) as the
 * executable carries them: scripts/build.mjs bundles them as the virtual module
 * `sphere:view-assets`; run from source (tsx) they are read from the checkout beside this file.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface ViewAssets { html: string; js: string; css: string }

let cached: ViewAssets | undefined;

export async function viewAssets(): Promise<ViewAssets> {
  if (cached) return cached;
  try {
    cached = (await import('sphere:view-assets')).default;
  } catch {
    const dir = new URL('./assets/', import.meta.url);
    const read = (f: string) => readFileSync(fileURLToPath(new URL(f, dir)), 'utf8');
    cached = { html: read('board.html'), js: read('board.js'), css: read('board.css') };
  }
  return cached;
}
